import Codec
import Foundation
import HeraldCore

/// `herald.experiments.v1.ABTestingEngine`: each method with its request and response types, shared by the
/// ab-testing-engine and `ABTestingEngineClient`.
public enum ABTestingEngineAPI {
    public static let service = "herald.experiments.v1.ABTestingEngine"

    public static let createTest = RPCMethod<Only<ABTestDefinition>, Only<ABTest>>(service, "CreateTest")
    public static let getTest = RPCMethod<ByID, Only<ABTest>>(service, "GetTest")
    public static let listTests = RPCMethod<ListTestsRequest, Page<ABTest>>(service, "ListTests")
    public static let startTest = RPCMethod<ByID, Only<ABTest>>(service, "StartTest")
    public static let pauseTest = RPCMethod<ByID, Only<ABTest>>(service, "PauseTest")
    public static let stopTest = RPCMethod<ByID, Only<ABTest>>(service, "StopTest")
    public static let updateTestAllocation = RPCMethod<UpdateTestAllocationRequest, Only<ABTest>>(
        service, "UpdateTestAllocation")
    public static let assignVariant = RPCMethod<AssignVariantRequest, VariantAssignment>(service, "AssignVariant")
    public static let assignVariants = RPCMethod<AssignVariantsRequest, Many<Assignment>>(service, "AssignVariants")
    public static let recordConversion = RPCMethod<ConversionRequest, ConversionResult>(service, "RecordConversion")
    public static let analyzeTestResults = RPCMethod<ByID, Only<TestAnalysis>>(service, "AnalyzeTestResults")
    public static let watchTestResults = RPCMethod<ByID, Only<TestAnalysis>>(service, "WatchTestResults")
    public static let selectWinner = RPCMethod<SelectWinnerRequest, Only<TestVariant>>(service, "SelectWinner")
    public static let optimizeCampaign = RPCMethod<ByID, Many<OptimizationRecommendation>>(
        service, "OptimizeCampaign")

    /// Most users AssignVariants takes in one call.
    public static let maxBatch = 10_000
}

/// ListTestsRequest.
public struct ListTestsRequest: WireMapped, Sendable, Equatable {
    public var campaignID: UUID?
    public var status: TestStatus?
    public var page: PageRequest

    public init(campaignID: UUID? = nil, status: TestStatus? = nil, page: PageRequest = PageRequest()) {
        self.campaignID = campaignID
        self.status = status
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.optionalUUID(m.string(1), at: path.field("campaign_id"))
        status = TestStatus.read(m.enumValue(2), path.field("status"), &issues, required: false)
        page = PageRequest(wire: m.message(3), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, enum: status)
        b.set(3, page)
    }
}

/// AssignVariantRequest.
public struct AssignVariantRequest: WireMapped, Sendable, Equatable {
    public var testID: UUID
    public var userID: UUID

    public init(testID: UUID, userID: UUID) {
        self.testID = testID
        self.userID = userID
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        testID = issues.requiredUUID(m.string(1), at: path.field("test_id"))
        userID = issues.requiredUUID(m.string(2), at: path.field("user_id"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, id: userID)
    }
}

/// AssignVariantResponse: the variant to show (the whole variant, content included).
public struct VariantAssignment: WireMapped, Sendable, Equatable {
    public var variant: TestVariant?
    public var inTest: Bool
    public var holdout: Bool

    public init(variant: TestVariant?, inTest: Bool, holdout: Bool = false) {
        self.variant = variant
        self.inTest = inTest
        self.holdout = holdout
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        variant = m.read(1, at: path.field("variant"), &issues)
        inTest = m.bool(2)
        holdout = m.bool(3)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, variant)
        b.set(2, inTest)
        b.set(3, holdout)
    }
}

/// AssignVariantsRequest: up to `ABTestingEngineAPI.maxBatch` users, with optional pre-period covariates.
public struct AssignVariantsRequest: WireMapped, Sendable, Equatable {
    public var testID: UUID
    public var userIDs: [UUID]
    /// Empty, or one per user.
    public var covariates: [Double]

    public init(testID: UUID, userIDs: [UUID], covariates: [Double] = []) {
        self.testID = testID
        self.userIDs = userIDs
        self.covariates = covariates
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        testID = issues.requiredUUID(m.string(1), at: path.field("test_id"))
        let count = m.count(2)
        let max = ABTestingEngineAPI.maxBatch
        issues.check(count > 0, path.field("user_ids"), "required: at least one user id")
        issues.check(count <= max, path.field("user_ids"), "\(count) user ids; at most \(max) a call")
        userIDs = count <= max ? issues.uuids(m.strings(2), at: path.field("user_ids")) : []
        covariates = m.doubles(3)
        issues.check(
            covariates.isEmpty || covariates.count == count, path.field("covariates"),
            "\(covariates.count) covariates for \(count) user ids; expected none or one per user id")
        issues.check(
            covariates.allSatisfy(\.isFinite), path.field("covariates"), "must be finite numbers (no NaN or infinity)")
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, ids: userIDs)
        b.set(3, repeated: covariates)
    }
}

/// One user's assignment in AssignVariantsResponse.
public struct Assignment: WireMapped, Sendable, Equatable {
    public var userID: UUID
    /// Empty when the user is not in the test (the winner's id once one is selected, the control's while paused).
    public var variantID: String
    public var inTest: Bool
    public var holdout: Bool

    public init(userID: UUID, variantID: String, inTest: Bool, holdout: Bool = false) {
        self.userID = userID
        self.variantID = variantID
        self.inTest = inTest
        self.holdout = holdout
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        variantID = m.string(2)
        inTest = m.bool(3)
        holdout = m.bool(4)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, variantID)
        b.set(3, inTest)
        b.set(4, holdout)
    }
}

/// RecordConversionRequest.
public struct ConversionRequest: WireMapped, Sendable, Equatable {
    public var testID: UUID
    public var userID: UUID
    /// The success metric it counts for.
    public var conversionType: String
    public var value: Double
    /// Idempotency within (test, user, type); empty: one conversion of the type per user.
    public var conversionID: String
    public var occurredAt: Date?

    public init(
        testID: UUID, userID: UUID, conversionType: String, value: Double = 0, conversionID: String = "",
        occurredAt: Date? = nil
    ) {
        self.testID = testID
        self.userID = userID
        self.conversionType = conversionType
        self.value = value
        self.conversionID = conversionID
        self.occurredAt = occurredAt
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        testID = issues.requiredUUID(m.string(1), at: path.field("test_id"))
        userID = issues.requiredUUID(m.string(2), at: path.field("user_id"))
        conversionType = m.string(3)
        value = m.double(4)
        conversionID = m.string(5)
        occurredAt = m.date(6)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, id: userID)
        b.set(3, conversionType)
        b.set(4, value)
        b.set(5, conversionID)
        b.set(6, date: occurredAt)
    }
}

/// RecordConversionResponse: counted, or why not.
public struct ConversionResult: WireMapped, Sendable, Equatable {
    public var counted: Bool
    public var reason: String

    public init(counted: Bool, reason: String = "") {
        self.counted = counted
        self.reason = reason
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        counted = m.bool(1)
        reason = m.string(2)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, counted)
        b.set(2, reason)
    }
}

/// SelectWinnerRequest.
public struct SelectWinnerRequest: WireMapped, Sendable, Equatable {
    public var testID: UUID
    /// Empty: the statistically best variant.
    public var variantID: String
    public var force: Bool

    public init(testID: UUID, variantID: String = "", force: Bool = false) {
        self.testID = testID
        self.variantID = variantID
        self.force = force
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        testID = issues.requiredUUID(m.string(1), at: path.field("test_id"))
        variantID = m.string(2)
        force = m.bool(3)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, variantID)
        b.set(3, force)
    }
}

/// UpdateTestAllocationRequest: variant id → share of the test's traffic (0-100).
public struct UpdateTestAllocationRequest: WireMapped, Sendable, Equatable {
    public var testID: UUID
    public var allocations: [String: Double]

    public init(testID: UUID, allocations: [String: Double]) {
        self.testID = testID
        self.allocations = allocations
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        testID = issues.requiredUUID(m.string(1), at: path.field("test_id"))
        allocations = m.dictionary(2) { $0.double(2) }
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, dictionary: allocations) { $1.set(2, $0) }
    }
}
