"""A Python grpcio client of herald.experiments.v1.ABTestingEngine, generated from Herald's Protos/ at run time, that
calls every method (the server-streaming results included), the error cases too, and checks what a Python user would
rely on, the assignment hash among it.

  experiments_client.py --protos DIR --target HOST:PORT --user USER_ID --campaign CAMPAIGN_ID
Prints "ok: N checks" and exits 0, or names the failed check and exits 1.
"""
import random
import uuid

import grpc

from polyglot import arguments, check, done, fails, field_violations, generate

FILES = ["herald/common/v1/common.proto", "herald/experiments/v1/experiments.proto"]


def bucket(seed, user):
    """The proto's assignment hash: FNV-1a (64-bit) of seed + "." + user id, modulo 10,000."""
    h = 0xCBF29CE484222325
    for byte in (seed + "." + user).encode():
        h = ((h ^ byte) * 0x100000001B3) % 2**64
    return h % 10000


def main():
    args = arguments()
    generate(args.protos, FILES)
    from herald.experiments.v1 import experiments_pb2 as pb, experiments_pb2_grpc as rpc

    stub = rpc.ABTestingEngineStub(grpc.insecure_channel(args.target))
    definition = pb.ABTestDefinition(
        campaign_id=args.campaign, name="Subject line", type=pb.TEST_TYPE_SUBJECT_LINE,
        engine=pb.STATISTICAL_ENGINE_FREQUENTIST,
        traffic_allocation=pb.TrafficAllocation(percentage=100, seed="py-seed"),
        variants=[pb.TestVariant(id="plain", allocation=30), pb.TestVariant(id="urgent", allocation=70)],
        success_metrics=[pb.SuccessMetric(name="purchase", primary=True, kind=pb.METRIC_KIND_BINARY)])
    definition.variants[1].content.update({"subject": "48 hours left"})
    test = stub.CreateTest(pb.CreateTestRequest(test=definition), timeout=10).test
    check(test.status == pb.TEST_STATUS_DRAFT and test.variants[0].is_control, "a draft whose first variant is the control")
    check(stub.GetTest(pb.GetTestRequest(test_id=test.id), timeout=10).test.name == "Subject line", "GetTest")
    listed = stub.ListTests(pb.ListTestsRequest(campaign_id=args.campaign), timeout=10).tests
    check([t.id for t in listed] == [test.id], "ListTests")
    fails(stub.AssignVariant, pb.AssignVariantRequest(test_id=test.id, user_id=args.user), grpc.StatusCode.FAILED_PRECONDITION,
          "is a draft")
    check(stub.StartTest(pb.StartTestRequest(test_id=test.id), timeout=10).test.status == pb.TEST_STATUS_RUNNING, "started")

    # Assignment: predictable from the hash, the same every time, in one call or many.
    rng = random.Random(5)
    users = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(2000)]
    assigned = stub.AssignVariants(pb.AssignVariantsRequest(test_id=test.id, user_ids=users), timeout=10).assignments
    expected = ["plain" if bucket("py-seed", u) < 3000 else "urgent" for u in users]
    check([a.variant_id for a in assigned] == expected, "every assignment is the one the hash predicts")
    one = stub.AssignVariant(pb.AssignVariantRequest(test_id=test.id, user_id=users[7]), timeout=10)
    check(one.in_test and one.variant.id == expected[7], "AssignVariant agrees")
    check(expected[7] != "urgent" or one.variant.content["subject"] == "48 hours left", "the variant's content")

    # Conversions: 5 % of plain's users, 12 % of urgent's.
    for i, (user, variant) in enumerate(zip(users, expected)):
        if rng.random() < (0.05 if variant == "plain" else 0.12):
            r = stub.RecordConversion(pb.RecordConversionRequest(test_id=test.id, user_id=user,
                                                                 conversion_type="purchase", value=1), timeout=10)
            check(r.counted, "a participant's conversion counts")
    again = stub.RecordConversion(pb.RecordConversionRequest(test_id=test.id, user_id=users[0],
                                                             conversion_type="purchase"), timeout=10)
    stranger = stub.RecordConversion(pb.RecordConversionRequest(test_id=test.id, user_id=str(uuid.uuid4()),
                                                                conversion_type="purchase"), timeout=10)
    check(not stranger.counted and "not a participant" in stranger.reason, f"a stranger: {stranger.reason}")
    check(again.counted or "already recorded" in again.reason, "a repeat is not counted twice")

    analysis = stub.AnalyzeTestResults(pb.AnalyzeTestResultsRequest(test_id=test.id), timeout=10).analysis
    urgent = analysis.results.variants[1]
    check(analysis.results.total_participants == 2000, f"participants {analysis.results.total_participants}")
    check(urgent.lift > 0 and urgent.p_value < 0.001 and urgent.chance_to_beat_control > 0.99, f"urgent {urgent}")
    check(not analysis.significance.sample_ratio_mismatch, "no sample-ratio mismatch")
    watch = stub.WatchTestResults(pb.WatchTestResultsRequest(test_id=test.id), timeout=10)
    check(next(watch).analysis.results.total_participants == 2000, "WatchTestResults starts with the analysis")
    watch.cancel()
    updated = stub.UpdateTestAllocation(pb.UpdateTestAllocationRequest(test_id=test.id,
                                                                       allocations={"plain": 50, "urgent": 50}), timeout=10)
    check([v.allocation for v in updated.test.variants] == [50, 50], "new weights")
    still = stub.AssignVariants(pb.AssignVariantsRequest(test_id=test.id, user_ids=users[:100]), timeout=10).assignments
    check([a.variant_id for a in still] == expected[:100], "assigned users keep their variant")
    check(stub.PauseTest(pb.PauseTestRequest(test_id=test.id), timeout=10).test.status == pb.TEST_STATUS_PAUSED, "paused")

    winner = stub.SelectWinner(pb.SelectWinnerRequest(test_id=test.id), timeout=10).winner
    check(winner.id == "urgent", f"the winner is {winner.id}")
    newcomer = stub.AssignVariant(pb.AssignVariantRequest(test_id=test.id, user_id=str(uuid.uuid4())), timeout=10)
    check(not newcomer.in_test and newcomer.variant.id == "urgent", "after the test, newcomers get the winner")
    recommendations = stub.OptimizeCampaign(pb.OptimizeCampaignRequest(campaign_id=args.campaign), timeout=10).recommendations
    check(len(recommendations) == 1 and "urgent" in recommendations[0].recommendation, f"{recommendations}")

    second = stub.CreateTest(pb.CreateTestRequest(test=pb.ABTestDefinition(
        campaign_id=args.campaign, name="Buttons", type=pb.TEST_TYPE_MULTIVARIATE,
        factors=[pb.Factor(name="color", levels=["red", "green"]), pb.Factor(name="label", levels=["Buy", "Shop"])])),
        timeout=10).test
    check(len(second.variants) == 4, "a 2 x 2 multivariate test has four cells")
    stub.StartTest(pb.StartTestRequest(test_id=second.id), timeout=10)
    stopped = stub.StopTest(pb.StopTestRequest(test_id=second.id), timeout=10).test
    check(stopped.status == pb.TEST_STATUS_COMPLETED and stopped.winner == "", "stopped without a winner")

    error = fails(stub.CreateTest, pb.CreateTestRequest(test=pb.ABTestDefinition(
        campaign_id="nope", variants=[pb.TestVariant(id="a", allocation=80), pb.TestVariant(id="b", allocation=30)])),
        grpc.StatusCode.INVALID_ARGUMENT, "test.campaign_id")
    violations = field_violations(error)
    check("test.name" in violations and "test.type" in violations and "test.variants" in violations, f"{violations}")
    fails(stub.GetTest, pb.GetTestRequest(test_id=str(uuid.uuid4())), grpc.StatusCode.NOT_FOUND, "no test")
    done()


if __name__ == "__main__":
    main()
