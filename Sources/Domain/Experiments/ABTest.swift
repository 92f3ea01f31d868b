import Codec
import Foundation

/// The spec's test states (`herald.experiments.v1.TestStatus`, `experiments.test_status`).
public enum TestStatus: String, WireEnum {
    public static let wirePrefix = "TEST_STATUS_"
    case draft, running, paused, completed, archived
}

/// How a test's results are judged.
public enum StatisticalEngine: String, WireEnum {
    public static let wirePrefix = "STATISTICAL_ENGINE_"
    case bayesian, frequentist
}

/// How a success metric is measured per participant.
public enum MetricKind: String, WireEnum {
    public static let wirePrefix = "METRIC_KIND_"
    /// Converted (a conversion of the metric's type) or not: a rate.
    case binary
    /// The sum of the conversions' values per participant: a mean.
    case continuous
}

/// What an automatic promotion selects when no variant is significantly better by the deadline.
public enum WinnerFallback: String, WireEnum {
    public static let wirePrefix = "WINNER_FALLBACK_"
    case best, control
}

/// Automatic promotion: when to evaluate and what to do at the deadline.
public struct WinnerPolicy: Codable, Equatable, Sendable {
    public var automatic: Bool
    public var minParticipantsPerVariant: Int64
    public var evaluateAfterHours: Double
    public var deadlineHours: Double
    public var fallback: WinnerFallback?

    public init(
        automatic: Bool = false, minParticipantsPerVariant: Int64 = 0, evaluateAfterHours: Double = 0,
        deadlineHours: Double = 0, fallback: WinnerFallback? = nil
    ) {
        self.automatic = automatic
        self.minParticipantsPerVariant = minParticipantsPerVariant
        self.evaluateAfterHours = evaluateAfterHours
        self.deadlineHours = deadlineHours
        self.fallback = fallback
    }
}

/// A multivariate test's factor; every combination of the factors' levels is a variant.
public struct Factor: Codable, Equatable, Sendable {
    public var name: String
    public var levels: [String]

    public init(name: String, levels: [String]) {
        self.name = name
        self.levels = levels
    }
}

public struct VariantPerformance: Codable, Equatable, Sendable {
    public var participants: Int64
    public var conversions: Int64
    public var conversionRate: Double
    public var revenue: Double

    public init(participants: Int64 = 0, conversions: Int64 = 0, conversionRate: Double = 0, revenue: Double = 0) {
        self.participants = participants
        self.conversions = conversions
        self.conversionRate = conversionRate
        self.revenue = revenue
    }
}

/// One arm of a test: its content and its share of the test's traffic.
public struct TestVariant: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var description: String
    /// What this variant changes (subject, body, send time, ...), a JSON object.
    public var content: JSONValue?
    /// Share of the test's participants, 0-1; a test's variants sum to 1.
    public var allocation: Double
    public var performance: VariantPerformance?
    public var isControl: Bool

    public init(
        id: String, name: String, description: String = "", content: JSONValue? = nil, allocation: Double,
        performance: VariantPerformance? = nil, isControl: Bool = false
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.content = content
        self.allocation = allocation
        self.performance = performance
        self.isControl = isControl
    }
}

public struct TrafficAllocation: Codable, Equatable, Sendable {
    /// Share of the campaign's audience in the test, 0-100.
    public var percentage: Double
    /// Hashed with the user id for a sticky assignment.
    public var seed: String
    /// Shift traffic towards the better variants as results arrive (multi-armed bandit).
    public var bandit: Bool
    /// Share of the audience held out of the campaign entirely, 0-100.
    public var holdoutPercentage: Double

    public init(percentage: Double, seed: String = "", bandit: Bool = false, holdoutPercentage: Double = 0) {
        self.percentage = percentage
        self.seed = seed
        self.bandit = bandit
        self.holdoutPercentage = holdoutPercentage
    }
}

public struct SuccessMetric: Codable, Equatable, Sendable {
    /// A CampaignMetrics field name or a conversion type.
    public var name: String
    public var primary: Bool
    public var minimumDetectableEffect: Double
    /// nil only in a request that left it unspecified (binary then).
    public var kind: MetricKind?

    public init(name: String, primary: Bool = false, minimumDetectableEffect: Double = 0, kind: MetricKind? = nil) {
        self.name = name
        self.primary = primary
        self.minimumDetectableEffect = minimumDetectableEffect
        self.kind = kind
    }
}

public struct VariantResults: Codable, Equatable, Sendable {
    public var variantID: String
    public var participants: Int64
    public var conversions: Int64
    public var conversionRate: Double
    /// Relative to the control.
    public var lift: Double
    public var probabilityToBeBest: Double
    /// Confidence interval of the conversion rate.
    public var ciLower: Double
    public var ciUpper: Double
    /// Fixed-horizon test against the control.
    public var pValue: Double
    public var chanceToBeatControl: Double = 0
    public var expectedLoss: Double = 0
    public var liftCILower: Double = 0
    public var liftCIUpper: Double = 0
    /// Always-valid (sequential) p-value.
    public var sequentialPValue: Double = 0
    /// The sequential p-value corrected for multiple comparisons.
    public var adjustedPValue: Double = 0
    /// The rate of a binary metric, the value per participant of a continuous one.
    public var mean: Double = 0

    public init(
        variantID: String, participants: Int64 = 0, conversions: Int64 = 0, conversionRate: Double = 0,
        lift: Double = 0,
        probabilityToBeBest: Double = 0, ciLower: Double = 0, ciUpper: Double = 0, pValue: Double = 0
    ) {
        self.variantID = variantID
        self.participants = participants
        self.conversions = conversions
        self.conversionRate = conversionRate
        self.lift = lift
        self.probabilityToBeBest = probabilityToBeBest
        self.ciLower = ciLower
        self.ciUpper = ciUpper
        self.pValue = pValue
    }
}

/// One success metric's results per variant.
public struct MetricResults: Codable, Equatable, Sendable {
    public var metric: String
    public var kind: MetricKind
    public var primary: Bool
    public var variants: [VariantResults]
    /// Whether CUPED adjusted the means with the participants' pre-period covariate.
    public var cuped: Bool

    public init(metric: String, kind: MetricKind, primary: Bool, variants: [VariantResults], cuped: Bool = false) {
        self.metric = metric
        self.kind = kind
        self.primary = primary
        self.variants = variants
        self.cuped = cuped
    }
}

public struct TestResults: Codable, Equatable, Sendable {
    public var totalParticipants: Int64
    public var conversions: Int64
    public var conversionRate: Double
    public var confidence: Double
    public var pValue: Double
    public var effect: Double
    /// The primary metric's results.
    public var variants: [VariantResults]
    /// Every success metric's, the primary first.
    public var metrics: [MetricResults] = []
    public var holdoutParticipants: Int64 = 0

    public init(
        totalParticipants: Int64 = 0, conversions: Int64 = 0, conversionRate: Double = 0, confidence: Double = 0,
        pValue: Double = 0,
        effect: Double = 0, variants: [VariantResults] = []
    ) {
        self.totalParticipants = totalParticipants
        self.conversions = conversions
        self.conversionRate = conversionRate
        self.confidence = confidence
        self.pValue = pValue
        self.effect = effect
        self.variants = variants
    }
}

public struct StatisticalSignificance: Codable, Equatable, Sendable {
    public var engine: StatisticalEngine?
    public var significant: Bool
    public var confidenceLevel: Double
    /// The observed split differs from the allocation more than chance allows (a broken assignment).
    public var sampleRatioMismatch: Bool
    public var requiredSampleSize: Int64
    public var srmPValue: Double = 1
    /// Smallest relative lift of the primary metric the participants so far can show (80 % power).
    public var minimumDetectableEffect: Double = 0
    /// The variant significance points to, if any.
    public var leadingVariant: String = ""

    public init(
        engine: StatisticalEngine?, significant: Bool = false, confidenceLevel: Double = 0,
        sampleRatioMismatch: Bool = false,
        requiredSampleSize: Int64 = 0
    ) {
        self.engine = engine
        self.significant = significant
        self.confidenceLevel = confidenceLevel
        self.sampleRatioMismatch = sampleRatioMismatch
        self.requiredSampleSize = requiredSampleSize
    }
}

/// What a client defines to create a test.
public struct ABTestDefinition: Equatable, Sendable {
    public var campaignID: UUID
    public var name: String
    public var description: String
    /// nil only in a request that left it unspecified (validation reports it).
    public var type: TestType?
    public var variants: [TestVariant]
    public var trafficAllocation: TrafficAllocation?
    public var successMetrics: [SuccessMetric]
    public var startDate: Date?
    public var endDate: Date?
    public var engine: StatisticalEngine?
    public var winnerPolicy: WinnerPolicy?
    /// Multivariate: the factors whose combinations become the variants.
    public var factors: [Factor] = []

    public init(
        campaignID: UUID, name: String, description: String = "", type: TestType?, variants: [TestVariant],
        trafficAllocation: TrafficAllocation? = nil, successMetrics: [SuccessMetric] = [], startDate: Date? = nil,
        endDate: Date? = nil,
        engine: StatisticalEngine? = nil, winnerPolicy: WinnerPolicy? = nil, factors: [Factor] = []
    ) {
        self.winnerPolicy = winnerPolicy
        self.factors = factors
        self.campaignID = campaignID
        self.name = name
        self.description = description
        self.type = type
        self.variants = variants
        self.trafficAllocation = trafficAllocation
        self.successMetrics = successMetrics
        self.startDate = startDate
        self.endDate = endDate
        self.engine = engine
    }
}

/// A stored test (the spec's ABTest).
public struct ABTest: Equatable, Sendable {
    public var id: UUID
    public var campaignID: UUID
    public var name: String
    public var description: String
    public var type: TestType
    public var variants: [TestVariant]
    public var trafficAllocation: TrafficAllocation?
    public var successMetrics: [SuccessMetric]
    public var status: TestStatus
    public var startDate: Date?
    public var endDate: Date?
    public var results: TestResults?
    public var statisticalSignificance: StatisticalSignificance?
    /// The winning variant's id, once one is selected.
    public var winner: String
    public var confidence: Double
    public var createdAt: Date
    public var engine: StatisticalEngine?
    public var winnerPolicy: WinnerPolicy?
    public var factors: [Factor] = []

    public init(
        id: UUID, campaignID: UUID, name: String, description: String = "", type: TestType, variants: [TestVariant],
        trafficAllocation: TrafficAllocation? = nil, successMetrics: [SuccessMetric] = [], status: TestStatus,
        startDate: Date? = nil,
        endDate: Date? = nil, results: TestResults? = nil, statisticalSignificance: StatisticalSignificance? = nil,
        winner: String = "",
        confidence: Double = 0, createdAt: Date, engine: StatisticalEngine? = nil, winnerPolicy: WinnerPolicy? = nil,
        factors: [Factor] = []
    ) {
        self.engine = engine
        self.winnerPolicy = winnerPolicy
        self.factors = factors
        self.id = id
        self.campaignID = campaignID
        self.name = name
        self.description = description
        self.type = type
        self.variants = variants
        self.trafficAllocation = trafficAllocation
        self.successMetrics = successMetrics
        self.status = status
        self.startDate = startDate
        self.endDate = endDate
        self.results = results
        self.statisticalSignificance = statisticalSignificance
        self.winner = winner
        self.confidence = confidence
        self.createdAt = createdAt
    }
}

/// A test's results, their significance, and what to do about them.
public struct TestAnalysis: Equatable, Sendable {
    public var testID: UUID
    public var results: TestResults?
    public var significance: StatisticalSignificance?
    public var recommendation: String

    public init(
        testID: UUID, results: TestResults?, significance: StatisticalSignificance?, recommendation: String = ""
    ) {
        self.testID = testID
        self.results = results
        self.significance = significance
        self.recommendation = recommendation
    }
}

public struct OptimizationRecommendation: Equatable, Sendable {
    /// The test the recommendation comes from, if one.
    public var testID: UUID?
    public var recommendation: String
    public var expectedLift: Double

    public init(testID: UUID?, recommendation: String, expectedLift: Double = 0) {
        self.testID = testID
        self.recommendation = recommendation
        self.expectedLift = expectedLift
    }
}
