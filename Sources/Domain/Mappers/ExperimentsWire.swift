import Codec
import Foundation

/// `herald.experiments.v1` messages to and from the A/B testing domain types.
extension TestVariant: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: m.string(1), name: m.string(2), description: m.string(3), content: m.object(4), allocation: m.double(5),
            performance: m.message(6).map {
                VariantPerformance(
                    participants: $0.int64(1), conversions: $0.int64(2), conversionRate: $0.double(3),
                    revenue: $0.double(4))
            },
            isControl: m.bool(7))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id)
        b.set(2, name)
        b.set(3, description)
        b.set(4, object: content)
        b.set(5, allocation)
        if let performance {
            b.message(6) {
                $0.set(1, performance.participants)
                $0.set(2, performance.conversions)
                $0.set(3, performance.conversionRate)
                $0.set(4, performance.revenue)
            }
        }
        b.set(7, isControl)
    }
}

extension TrafficAllocation: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(percentage: m.double(1), seed: m.string(2), bandit: m.bool(3), holdoutPercentage: m.double(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, percentage)
        b.set(2, seed)
        b.set(3, bandit)
        b.set(4, holdoutPercentage)
    }
}

extension SuccessMetric: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            name: m.string(1), primary: m.bool(2), minimumDetectableEffect: m.double(3),
            kind: MetricKind.read(m.enumValue(4), path.field("kind"), &issues, required: false))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, name)
        b.set(2, primary)
        b.set(3, minimumDetectableEffect)
        b.set(4, enum: kind)
    }
}

extension WinnerPolicy: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            automatic: m.bool(1), minParticipantsPerVariant: m.int64(2), evaluateAfterHours: m.double(3),
            deadlineHours: m.double(4),
            fallback: WinnerFallback.read(m.enumValue(5), path.field("fallback"), &issues, required: false))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, automatic)
        b.set(2, minParticipantsPerVariant)
        b.set(3, evaluateAfterHours)
        b.set(4, deadlineHours)
        b.set(5, enum: fallback)
    }
}

extension Factor: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(name: m.string(1), levels: m.strings(2))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, name)
        b.set(2, repeated: levels)
    }
}

extension VariantResults: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            variantID: m.string(1), participants: m.int64(2), conversions: m.int64(3), conversionRate: m.double(4),
            lift: m.double(5), probabilityToBeBest: m.double(6), ciLower: m.double(7), ciUpper: m.double(8),
            pValue: m.double(9))
        chanceToBeatControl = m.double(10)
        expectedLoss = m.double(11)
        liftCILower = m.double(12)
        liftCIUpper = m.double(13)
        sequentialPValue = m.double(14)
        adjustedPValue = m.double(15)
        mean = m.double(16)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, variantID)
        b.set(2, participants)
        b.set(3, conversions)
        b.set(4, conversionRate)
        b.set(5, lift)
        b.set(6, probabilityToBeBest)
        b.set(7, ciLower)
        b.set(8, ciUpper)
        b.set(9, pValue)
        b.set(10, chanceToBeatControl)
        b.set(11, expectedLoss)
        b.set(12, liftCILower)
        b.set(13, liftCIUpper)
        b.set(14, sequentialPValue)
        b.set(15, adjustedPValue)
        b.set(16, mean)
    }
}

extension MetricResults: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            metric: m.string(1), kind: MetricKind.read(m.enumValue(2), path.field("kind"), &issues) ?? .binary,
            primary: m.bool(3), variants: m.readAll(4, at: path.field("variants"), &issues), cuped: m.bool(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, metric)
        b.set(2, enum: kind)
        b.set(3, primary)
        b.set(4, each: variants)
        b.set(5, cuped)
    }
}

extension TestResults: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            totalParticipants: m.int64(1), conversions: m.int64(2), conversionRate: m.double(3),
            confidence: m.double(4),
            pValue: m.double(5), effect: m.double(6), variants: m.readAll(7, at: path.field("variants"), &issues))
        metrics = m.readAll(8, at: path.field("metrics"), &issues)
        holdoutParticipants = m.int64(9)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, totalParticipants)
        b.set(2, conversions)
        b.set(3, conversionRate)
        b.set(4, confidence)
        b.set(5, pValue)
        b.set(6, effect)
        b.set(7, each: variants)
        b.set(8, each: metrics)
        b.set(9, holdoutParticipants)
    }
}

extension StatisticalSignificance: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            engine: StatisticalEngine.read(m.enumValue(1), path.field("engine"), &issues, required: false),
            significant: m.bool(2),
            confidenceLevel: m.double(3), sampleRatioMismatch: m.bool(4), requiredSampleSize: m.int64(5))
        srmPValue = m.double(6)
        minimumDetectableEffect = m.double(7)
        leadingVariant = m.string(8)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: engine)
        b.set(2, significant)
        b.set(3, confidenceLevel)
        b.set(4, sampleRatioMismatch)
        b.set(5, requiredSampleSize)
        b.set(6, srmPValue)
        b.set(7, minimumDetectableEffect)
        b.set(8, leadingVariant)
    }
}

extension ABTestDefinition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")), name: m.string(2),
            description: m.string(3),
            type: TestType.read(m.enumValue(4), path.field("type"), &issues, required: false),
            variants: m.readAll(5, at: path.field("variants"), &issues),
            trafficAllocation: m.read(6, at: path.field("traffic_allocation"), &issues),
            successMetrics: m.readAll(7, at: path.field("success_metrics"), &issues), startDate: m.date(8),
            endDate: m.date(9),
            engine: StatisticalEngine.read(m.enumValue(10), path.field("engine"), &issues, required: false),
            winnerPolicy: m.read(11, at: path.field("winner_policy"), &issues),
            factors: m.readAll(12, at: path.field("factors"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, name)
        b.set(3, description)
        b.set(4, enum: type)
        b.set(5, each: variants)
        b.set(6, trafficAllocation)
        b.set(7, each: successMetrics)
        b.set(8, date: startDate)
        b.set(9, date: endDate)
        b.set(10, enum: engine)
        b.set(11, winnerPolicy)
        b.set(12, each: factors)
    }
}

extension ABTest: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            campaignID: issues.requiredUUID(m.string(2), at: path.field("campaign_id")),
            name: m.string(3), description: m.string(4), type: .required(m.enumValue(5), path.field("type"), &issues),
            variants: m.readAll(6, at: path.field("variants"), &issues),
            trafficAllocation: m.read(7, at: path.field("traffic_allocation"), &issues),
            successMetrics: m.readAll(8, at: path.field("success_metrics"), &issues),
            status: .required(m.enumValue(9), path.field("status"), &issues), startDate: m.date(10),
            endDate: m.date(11),
            results: m.read(12, at: path.field("results"), &issues),
            statisticalSignificance: m.read(13, at: path.field("statistical_significance"), &issues),
            winner: m.string(14),
            confidence: m.double(15), createdAt: m.requiredDate(16),
            engine: StatisticalEngine.read(m.enumValue(17), path.field("engine"), &issues, required: false),
            winnerPolicy: m.read(18, at: path.field("winner_policy"), &issues),
            factors: m.readAll(19, at: path.field("factors"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, id: campaignID)
        b.set(3, name)
        b.set(4, description)
        b.set(5, enum: type)
        b.set(6, each: variants)
        b.set(7, trafficAllocation)
        b.set(8, each: successMetrics)
        b.set(9, enum: status)
        b.set(10, date: startDate)
        b.set(11, date: endDate)
        b.set(12, results)
        b.set(13, statisticalSignificance)
        b.set(14, winner)
        b.set(15, confidence)
        b.set(16, date: createdAt)
        b.set(17, enum: engine)
        b.set(18, winnerPolicy)
        b.set(19, each: factors)
    }
}

extension TestAnalysis: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            testID: issues.requiredUUID(m.string(1), at: path.field("test_id")),
            results: m.read(2, at: path.field("results"), &issues),
            significance: m.read(3, at: path.field("significance"), &issues), recommendation: m.string(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, results)
        b.set(3, significance)
        b.set(4, recommendation)
    }
}

extension OptimizationRecommendation: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            testID: issues.optionalUUID(m.string(1), at: path.field("test_id")), recommendation: m.string(2),
            expectedLift: m.double(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, recommendation)
        b.set(3, expectedLift)
    }
}
