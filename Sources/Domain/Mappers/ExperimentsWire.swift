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
        self.init(percentage: m.double(1), seed: m.string(2), bandit: m.bool(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, percentage)
        b.set(2, seed)
        b.set(3, bandit)
    }
}

extension SuccessMetric: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(name: m.string(1), primary: m.bool(2), minimumDetectableEffect: m.double(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, name)
        b.set(2, primary)
        b.set(3, minimumDetectableEffect)
    }
}

extension TestResults: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            totalParticipants: m.int64(1), conversions: m.int64(2), conversionRate: m.double(3),
            confidence: m.double(4),
            pValue: m.double(5), effect: m.double(6),
            variants: m.map(7) {
                VariantResults(
                    variantID: $0.string(1), participants: $0.int64(2), conversions: $0.int64(3),
                    conversionRate: $0.double(4),
                    lift: $0.double(5), probabilityToBeBest: $0.double(6), ciLower: $0.double(7), ciUpper: $0.double(8),
                    pValue: $0.double(9))
            })
    }

    public func write(to b: MessageBuilder) {
        b.set(1, totalParticipants)
        b.set(2, conversions)
        b.set(3, conversionRate)
        b.set(4, confidence)
        b.set(5, pValue)
        b.set(6, effect)
        b.messages(7, count: variants.count) { i, v in
            let r = variants[i]
            v.set(1, r.variantID)
            v.set(2, r.participants)
            v.set(3, r.conversions)
            v.set(4, r.conversionRate)
            v.set(5, r.lift)
            v.set(6, r.probabilityToBeBest)
            v.set(7, r.ciLower)
            v.set(8, r.ciUpper)
            v.set(9, r.pValue)
        }
    }
}

extension StatisticalSignificance: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            engine: StatisticalEngine.read(m.enumValue(1), path.field("engine"), &issues, required: false),
            significant: m.bool(2),
            confidenceLevel: m.double(3), sampleRatioMismatch: m.bool(4), requiredSampleSize: m.int64(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: engine)
        b.set(2, significant)
        b.set(3, confidenceLevel)
        b.set(4, sampleRatioMismatch)
        b.set(5, requiredSampleSize)
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
            engine: StatisticalEngine.read(m.enumValue(10), path.field("engine"), &issues, required: false))
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
            confidence: m.double(15), createdAt: m.requiredDate(16))
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
