"""A Python grpcio client of herald.users.v1.UserDirectory, generated from Herald's Protos/ at run time, that calls
every method (the client-streaming import and the server-streaming export included), the error cases too, and checks
what a Python user would rely on.

  users_client.py --protos DIR --target HOST:PORT --user USER_ID
Prints "ok: N checks" and exits 0, or names the failed check and exits 1.
"""
import time

import grpc

from polyglot import arguments, check, done, fails, field_violations, generate

FILES = ["herald/common/v1/common.proto", "herald/users/v1/users.proto"]


def main():
    args = arguments()
    generate(args.protos, FILES)
    from google.protobuf import field_mask_pb2
    from herald.common.v1 import common_pb2 as common
    from herald.users.v1 import users_pb2 as pb, users_pb2_grpc as rpc

    stub = rpc.UserDirectoryStub(grpc.insecure_channel(args.target))
    EMAIL, PUSH = common.NOTIFICATION_CHANNEL_EMAIL, common.NOTIFICATION_CHANNEL_PUSH

    # Create, read, update with a field mask and a version.
    profile = pb.UserProfile(external_id="py-ada", email="Ada@Example.COM", phone="+1 (202) 555-0143", display_name="Ada",
                             locale="en-us", timezone="America/New_York")
    profile.attributes.update({"plan": "pro", "age": 36, "interests": ["audio", "books"], "vip": True})
    created = stub.CreateUser(pb.CreateUserRequest(user=profile), timeout=10).user
    check(created.email == "ada@example.com" and created.phone == "+12025550143", f"normalized: {created.email} {created.phone}")
    check(created.locale == "en-US" and created.version == 1 and created.created_at.seconds > 0, "locale, version, time")
    user = created.id
    got = stub.GetUserProfile(pb.GetUserProfileRequest(user_id=user), timeout=10).user
    check(got == created, "GetUserProfile returns what CreateUser did")
    check(got.attributes["interests"][1] == "books" and got.attributes["vip"] is True, "Struct attributes round-trip")
    change = pb.UserProfile(id=user, display_name="Ada King")
    change.attributes.update({"plan": "basic"})
    updated = stub.UpdateUserProfile(pb.UpdateUserProfileRequest(
        user=change, update_mask=field_mask_pb2.FieldMask(paths=["display_name", "attributes.plan"]), expected_version=1),
        timeout=10).user
    check(updated.version == 2 and updated.display_name == "Ada King", "a masked update")
    check(updated.attributes["plan"] == "basic" and updated.attributes["age"] == 36, "only the masked attribute changed")
    fails(stub.UpdateUserProfile, pb.UpdateUserProfileRequest(user=change, expected_version=1), grpc.StatusCode.ABORTED,
          "is at version 2, not 1")
    retyped = pb.UserProfile(id=user)
    retyped.attributes.update({"age": "old"})
    error = fails(stub.UpdateUserProfile, pb.UpdateUserProfileRequest(
        user=retyped, update_mask=field_mask_pb2.FieldMask(paths=["attributes.age"])), grpc.StatusCode.INVALID_ARGUMENT, "age")
    check('user.attributes["age"]' in field_violations(error), f"the attribute named: {field_violations(error)}")

    # Preferences, consent, activity, segment data.
    stub.UpdateUserPreferences(pb.UpdateUserPreferencesRequest(user_id=user, preferences=pb.UserPreferences(
        preferred_channels=[EMAIL, PUSH], language="en", topics=["news"], max_messages_per_day=3, quiet_hours="22:00-07:00")),
        timeout=10)
    preferences = stub.GetUserPreferences(pb.GetUserPreferencesRequest(user_id=user), timeout=10).preferences
    check(list(preferences.preferred_channels) == [EMAIL, PUSH] and preferences.quiet_hours == "22:00-07:00", "preferences")
    stub.UpdateUserConsent(pb.UpdateUserConsentRequest(user_id=user, consent=pb.ConsentUpdate(
        marketing=True, analytics=True, source="signup_form", legal_basis="consent",
        channels=[pb.ChannelConsent(channel=EMAIL, granted=True)])), timeout=10)
    stub.UpdateUserConsent(pb.UpdateUserConsentRequest(user_id=user, consent=pb.ConsentUpdate(
        marketing=False, source="unsubscribe_link")), timeout=10)
    consent = stub.GetUserConsent(pb.GetUserConsentRequest(user_id=user, include_history=True), timeout=10).consent
    check(not consent.marketing and consent.analytics, f"marketing withdrawn, analytics kept: {consent}")
    check(len(consent.history) == 4 and consent.history[-1].source == "unsubscribe_link", "every change in the history")
    check(consent.history[-1].WhichOneof("subject") == "purpose", "the history's oneof names its subject")
    activity = pb.UserActivity(id="py-1", type="purchase", channel=EMAIL)
    activity.properties.update({"revenue": 20.5})
    stub.TrackUserActivity(pb.TrackUserActivityRequest(user_id=user, activity=activity), timeout=10)
    batch = pb.TrackUserActivitiesRequest(activities=[
        pb.TrackUserActivityRequest(user_id=user, activity=pb.UserActivity(id=f"py-{i}", type="view")) for i in range(1, 6)])
    check(stub.TrackUserActivities(batch, timeout=10).stored == 4, "a batch stores what is new (py-1 was tracked)")
    data = stub.GetUserSegmentData(pb.GetUserSegmentDataRequest(user_id=user), timeout=10).data
    check(data.event_counts["view"] == 4 and data.lifetime_value == 20.5, f"segment data: {data}")
    check("channels_reachable" in data.computed_traits, "computed traits")

    # Devices and lookups.
    device = pb.Device(token="py-token-1", platform=pb.DEVICE_PLATFORM_FCM, app_id="com.example")
    with_device = stub.RegisterDevice(pb.RegisterDeviceRequest(user_id=user, device=device), timeout=10).user
    check(with_device.devices[0].token == "py-token-1" and list(with_device.device_tokens) == ["py-token-1"], "a device")
    contacts = stub.LookupUsers(pb.LookupUsersRequest(user_ids=[user, args.user]), timeout=10).users
    check([c.user_id for c in contacts] == [user, args.user], "lookups in the order asked")
    check(contacts[0].email == "ada@example.com" and contacts[0].devices[0].platform == pb.DEVICE_PLATFORM_FCM, "contact")
    stub.UnregisterDevice(pb.UnregisterDeviceRequest(token="py-token-1"), timeout=10)
    check(not stub.GetUserProfile(pb.GetUserProfileRequest(user_id=user), timeout=10).user.devices, "device removed")

    # Import (client streaming) with a bad row, list, export (server streaming).
    def chunks():
        for start in (0, 50):
            rows = [pb.ImportRow(user=pb.UserProfile(external_id=f"py-import-{i}", email=f"p{i}@example.com"),
                                 consent=pb.ConsentUpdate(marketing=True, source="import")) for i in range(start, start + 50)]
            if start == 50:
                rows[10].user.email = "broken"
            yield pb.ImportUsersRequest(rows=rows)
    result = stub.ImportUsers(chunks(), timeout=30)
    check(result.rows == 100 and result.created == 99 and result.rejected == 1, f"import: {result}")
    check(result.errors[0].row == 61 and result.errors[0].field == "user.email", f"the bad row named: {result.errors}")
    page = stub.ListUsers(pb.ListUsersRequest(filter=pb.UserFilter(external_id_prefix="py-import-"),
                                              page=common.PageRequest(page_size=60)), timeout=10)
    check(len(page.users) == 60 and page.page.next_page_token, "a first page of 60")
    rest = stub.ListUsers(pb.ListUsersRequest(filter=pb.UserFilter(external_id_prefix="py-import-"),
                                              page=common.PageRequest(page_size=60, page_token=page.page.next_page_token)), timeout=10)
    check(len(rest.users) == 39 and not rest.page.next_page_token, "the last page")
    exported = [u.external_id for r in stub.ExportUsers(pb.ExportUsersRequest(
        filter=pb.UserFilter(external_id_prefix="py-import-", consented_to=pb.CONSENT_PURPOSE_MARKETING)), timeout=10)
        for u in r.users]
    check(len(exported) == 99 and len(set(exported)) == 99, f"export streams every match once: {len(exported)}")

    # GDPR: access, erasure, status; deletion.
    access = stub.ExportUserData(pb.ExportUserDataRequest(user_id=user, requested_by="dpo@example.com"), timeout=10)
    check(access.data["user-directory"]["profile"]["email"] == "ada@example.com", "the access export holds the profile")
    check(access.request.state == pb.DATA_SUBJECT_REQUEST_STATE_COMPLETED, "an access request is answered at once")
    erasure = stub.EraseUser(pb.EraseUserRequest(user_id=user, requested_by="dpo@example.com"), timeout=10).request
    check(erasure.kind == pb.DATA_SUBJECT_REQUEST_KIND_ERASURE, "an erasure request")
    for _ in range(50):
        status = stub.GetDataSubjectRequest(pb.GetDataSubjectRequestRequest(request_id=erasure.id), timeout=10).request
        if status.state == pb.DATA_SUBJECT_REQUEST_STATE_COMPLETED:
            break
        time.sleep(0.2)
    check(status.state == pb.DATA_SUBJECT_REQUEST_STATE_COMPLETED and status.steps[0].done, f"erasure completed: {status}")
    fails(stub.GetUserProfile, pb.GetUserProfileRequest(user_id=user), grpc.StatusCode.NOT_FOUND, "not found")
    other = stub.CreateUser(pb.CreateUserRequest(user=pb.UserProfile(external_id="py-delete")), timeout=10).user
    stub.DeleteUser(pb.DeleteUserRequest(user_id=other.id), timeout=10)
    fails(stub.DeleteUser, pb.DeleteUserRequest(user_id=other.id), grpc.StatusCode.NOT_FOUND, "not found")

    # Error cases.
    error = fails(stub.CreateUser, pb.CreateUserRequest(user=pb.UserProfile(email="x", timezone="Nowhere", locale="?")),
                  grpc.StatusCode.INVALID_ARGUMENT, "user.email")
    violations = field_violations(error)
    check({"user.email", "user.timezone", "user.locale"} <= set(violations), f"every bad field at once: {violations}")
    stub.CreateUser(pb.CreateUserRequest(user=pb.UserProfile(external_id="py-twice")), timeout=10)
    fails(stub.CreateUser, pb.CreateUserRequest(user=pb.UserProfile(external_id="py-twice")), grpc.StatusCode.ALREADY_EXISTS,
          "external_id")
    error = fails(stub.GetUserProfile, pb.GetUserProfileRequest(user_id="nope"), grpc.StatusCode.INVALID_ARGUMENT,
                  "user_id: expected a UUID")
    check(field_violations(error) == {"user_id": 'expected a UUID, got "nope"'}, f"one violation: {field_violations(error)}")
    fails(stub.LookupUsers, pb.LookupUsersRequest(user_ids=[user] * 10001), grpc.StatusCode.INVALID_ARGUMENT, "at most 10000")
    fails(stub.EraseUser, pb.EraseUserRequest(user_id=user), grpc.StatusCode.INVALID_ARGUMENT, "requested_by: required")
    fails(stub.GetDataSubjectRequest, pb.GetDataSubjectRequestRequest(request_id="00000000-0000-4000-8000-000000000000"),
          grpc.StatusCode.NOT_FOUND, "not found")
    done()


if __name__ == "__main__":
    main()
