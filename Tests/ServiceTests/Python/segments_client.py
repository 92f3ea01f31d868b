"""A Python grpcio client of herald.segments.v1.SegmentationEngine, generated from Herald's Protos/ at run time, that
calls every method (the server-streaming members included) and the error cases, over a directory the Swift side
filled: two users on the pro plan, one on basic (and the acting user, with no attributes).

  segments_client.py --protos DIR --target HOST:PORT --user USER_ID
Prints "ok: N checks" and exits 0, or names the failed check and exits 1.
"""
import uuid

import grpc
from google.protobuf import struct_pb2

from polyglot import arguments, check, done, fails, field_violations, generate

FILES = ["herald/common/v1/common.proto", "herald/segments/v1/segments.proto"]


def main():
    args = arguments()
    generate(args.protos, FILES)
    from herald.common.v1 import common_pb2 as common
    from herald.segments.v1 import segments_pb2 as pb, segments_pb2_grpc as rpc

    def value(v):
        out = struct_pb2.Value()
        if isinstance(v, list):
            out.list_value.extend(v)
        else:
            out.string_value = v
        return out

    stub = rpc.SegmentationEngineStub(grpc.insecure_channel(args.target))
    pro = pb.SegmentDefinition(name="Pro plan", type=pb.SEGMENT_TYPE_DYNAMIC, tags=["plan"], conditions=[
        pb.SegmentCondition(field="attributes.plan", operator=pb.CONDITION_OPERATOR_EQUALS, value=value("pro"))])
    segment = stub.CreateSegment(pb.CreateSegmentRequest(segment=pro, created_by=args.user), timeout=10).segment
    check(segment.size == 2 and segment.created_by == args.user, f"created with its members: {segment}")
    got = stub.GetSegment(pb.GetSegmentRequest(segment_id=segment.id, explain=True), timeout=10)
    check(got.segment.name == "Pro plan" and "users" in got.query_plan, f"GetSegment with its plan: {got.query_plan}")
    listed = stub.ListSegments(pb.ListSegmentsRequest(type=pb.SEGMENT_TYPE_DYNAMIC), timeout=10).segments
    check([s.id for s in listed] == [segment.id], "ListSegments")

    both = pb.SegmentDefinition(name="Paying", type=pb.SEGMENT_TYPE_DYNAMIC, conditions=[
        pb.SegmentCondition(field="plan", operator=pb.CONDITION_OPERATOR_IN, value=value(["pro", "basic"]))])
    updated = stub.UpdateSegment(pb.UpdateSegmentRequest(segment_id=segment.id, segment=both), timeout=10).segment
    check(updated.size == 3 and updated.name == "Paying", f"UpdateSegment re-evaluates: {updated.size}")
    preview = stub.PreviewSegment(pb.PreviewSegmentRequest(segment=both, sample_size=2), timeout=10)
    check(preview.size == 3 and len(preview.sample_user_ids) == 2, "PreviewSegment")

    streamed = list(stub.StreamSegmentMembers(pb.StreamSegmentMembersRequest(segment_id=segment.id, batch_size=2),
                                              timeout=10))
    ids = [i for batch in streamed for i in batch.user_ids]
    check(len(streamed) == 2 and len(ids) == 3 and ids == sorted(ids), f"StreamSegmentMembers: {streamed}")
    first = stub.GetSegmentMembers(pb.GetSegmentMembersRequest(segment_id=segment.id,
                                                               page=common.PageRequest(page_size=2)), timeout=10)
    second = stub.GetSegmentMembers(pb.GetSegmentMembersRequest(
        segment_id=segment.id, page=common.PageRequest(page_size=2, page_token=first.page.next_page_token)), timeout=10)
    check([m.user_id for m in first.members] + [m.user_id for m in second.members] == ids, "GetSegmentMembers pages")
    check(list(stub.EvaluateUserSegments(pb.EvaluateUserSegmentsRequest(user_id=ids[0]), timeout=10).segment_ids)
          == [segment.id], "EvaluateUserSegments")

    mine = stub.CreateSegment(pb.CreateSegmentRequest(segment=pb.SegmentDefinition(
        name="Me", type=pb.SEGMENT_TYPE_STATIC, user_ids=[args.user, ids[0]])), timeout=10).segment
    check(mine.size == 2, "a static segment")
    analysis = stub.AnalyzeSegmentOverlap(pb.AnalyzeSegmentOverlapRequest(segment_ids=[segment.id, mine.id]),
                                          timeout=10).analysis
    check(analysis.union_size == 4 and analysis.overlaps[0].size == 1 and abs(analysis.overlaps[0].jaccard - 0.25) < 1e-9
          and len(analysis.regions) == 3, f"AnalyzeSegmentOverlap: {analysis}")
    refreshed = stub.RefreshSegment(pb.RefreshSegmentRequest(segment_id=segment.id), timeout=10)
    check(refreshed.segment.size == 3 and refreshed.entered == 0 and refreshed.left == 0, "RefreshSegment")

    error = fails(stub.CreateSegment, pb.CreateSegmentRequest(segment=pb.SegmentDefinition(
        type=pb.SEGMENT_TYPE_DYNAMIC, conditions=[pb.SegmentCondition(
            field="plan", operator=pb.CONDITION_OPERATOR_GREATER_THAN, value=value(["x"]))])),
        grpc.StatusCode.INVALID_ARGUMENT, "segment.name")
    violations = field_violations(error)
    check("segment.name" in violations and "segment.conditions[0].value" in violations, f"{violations}")
    fails(stub.GetSegment, pb.GetSegmentRequest(segment_id=str(uuid.uuid4())), grpc.StatusCode.NOT_FOUND, "no segment")
    fails(stub.CreateLookalikeSegment, pb.CreateLookalikeSegmentRequest(source_segment_id=segment.id, similarity=0.5,
                                                                        name="Like pro"),
          grpc.StatusCode.FAILED_PRECONDITION, "at least 20 members")
    stub.DeleteSegment(pb.DeleteSegmentRequest(segment_id=mine.id), timeout=10)
    fails(stub.GetSegment, pb.GetSegmentRequest(segment_id=mine.id), grpc.StatusCode.NOT_FOUND, "no segment")
    done()


if __name__ == "__main__":
    main()
