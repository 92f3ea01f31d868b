import Codec
import Domain
import Foundation
import HeraldCore

/// Everything a campaign definition must satisfy before it is stored (checked on create, update, duplicate,
/// template and rollback alike), each problem reported at its field path.
public struct CampaignValidator: Sendable {
    public var maxWorkflowNodes: Int
    public static let maxNameLength = 255
    public static let maxTags = 50
    public static let maxTagLength = 64

    public init(maxWorkflowNodes: Int = 100) { self.maxWorkflowNodes = maxWorkflowNodes }

    /// Adds an issue under `path` for everything wrong with `definition`.
    public func validate(_ definition: CampaignDefinition, at path: String, into issues: inout FieldIssues) {
        // A definition the request lacked was reported "required"; its placeholder has nothing more to say.
        guard !issues.reported(path) else { return }
        let d = definition
        if d.name.allSatisfy(\.isWhitespace) {
            issues.add(path.field("name"), "required")
        } else if d.name.count > Self.maxNameLength {
            issues.add(path.field("name"), "\(d.name.count) characters; at most \(Self.maxNameLength)")
        }
        if d.type == nil { issues.add(path.field("type"), "required; expected \(CampaignType.expectedNames)") }
        if d.channels.isEmpty { issues.add(path.field("channels"), "at least one channel is required") }
        var channels = Repeats<NotificationChannel>()
        for (i, channel) in d.channels.enumerated() where channels.seenBefore(channel) {
            issues.add(path.field("channels").index(i), "duplicate channel \(channel.rawValue)")
        }
        var segments = Repeats<String>()
        for (i, segment) in d.targetSegments.enumerated() {
            if UUID(canonical: segment) == nil {
                issues.add(
                    path.field("target_segments").index(i),
                    "expected a segment id (UUID), got \"\(segment.prefix(100))\"")
            } else if segments.seenBefore(segment) {
                issues.add(path.field("target_segments").index(i), "duplicate segment \(segment)")
            }
        }
        let workflowPath = path.field("workflow")
        d.workflow.validate(at: workflowPath, maxNodes: maxWorkflowNodes, into: &issues)
        for (i, node) in d.workflow.nodes.enumerated() {
            if case .message(let message) = node.config, let channel = message.channel, !d.channels.isEmpty,
                !d.channels.contains(channel)
            {
                issues.add(
                    workflowPath.field("nodes").index(i).field("config.message.channel"),
                    "\(channel.rawValue) is not one of the campaign's channels")
            }
        }
        validateSchedule(d, at: path, into: &issues)
        if let budget = d.budget { validate(budget, at: path.field("budget"), into: &issues) }
        for (i, goal) in d.goals.enumerated() { validate(goal, at: path.field("goals").index(i), into: &issues) }
        for (i, test) in d.abTests.enumerated() { validate(test, at: path.field("ab_tests").index(i), into: &issues) }
        if let personalization = d.personalization {
            for (i, field) in personalization.profileFields.enumerated() where field.isEmpty {
                issues.add(path.field("personalization.profile_fields").index(i), "empty field name")
            }
        }
        Self.validate(tags: d.tags, at: path.field("tags"), into: &issues)
    }

    /// Tags of a campaign or template, or a filter's: at most `maxTags`, each 1 to `maxTagLength` characters, no
    /// duplicates.
    public static func validate(tags: [String], at path: String, into issues: inout FieldIssues) {
        if tags.count > maxTags {
            issues.add(path, "\(tags.count) tags; at most \(maxTags)")
            return
        }
        var seen = Repeats<String>()
        for (i, tag) in tags.enumerated() {
            if tag.isEmpty || tag.count > maxTagLength {
                issues.add(path.index(i), "a tag has 1 to \(maxTagLength) characters")
            } else if seen.seenBefore(tag) {
                issues.add(path.index(i), "duplicate tag \"\(tag)\"")
            }
        }
    }

    func validateSchedule(_ d: CampaignDefinition, at path: String, into issues: inout FieldIssues) {
        let schedulePath = path.field("schedule")
        guard let schedule = d.schedule else {
            if d.type == .recurring || d.type == .triggered {
                issues.add(schedulePath, "a \(d.type!.rawValue) campaign needs a schedule")
            }
            return
        }
        if schedule.type == nil {
            issues.add(schedulePath.field("type"), "required; expected \(ScheduleType.expectedNames)")
        }
        if let type = schedule.type {
            if d.type == .recurring && type != .recurring || d.type == .triggered && type != .triggered {
                issues.add(
                    schedulePath.field("type"),
                    "a \(d.type!.rawValue) campaign needs a \(d.type!.rawValue) schedule, not \(type.rawValue)")
            }
            switch type {
            case .immediate: break
            case .scheduled:
                issues.check(
                    schedule.startDate != nil, schedulePath.field("start_date"), "required for a scheduled campaign")
            case .recurring:
                issues.check(
                    schedule.recurrence != nil, schedulePath.field("frequency"), "required for a recurring schedule")
            case .triggered:
                issues.check(
                    !schedule.triggers.isEmpty, schedulePath.field("triggers"), "at least one trigger is required")
            }
        }
        if let start = schedule.startDate, let end = schedule.endDate, start >= end {
            issues.add(schedulePath.field("end_date"), "must be after start_date")
        }
        if !schedule.timezone.isEmpty && TimeZone(identifier: schedule.timezone) == nil {
            issues.add(schedulePath.field("timezone"), "unknown IANA time zone \"\(schedule.timezone)\"")
        }
        if let hours = schedule.businessHours {
            let hoursPath = schedulePath.field("business_hours")
            if hours.days.isEmpty { issues.add(hoursPath.field("days"), "at least one day is required") }
            for (i, day) in hours.days.enumerated() where !(1...7).contains(day) {
                issues.add(
                    hoursPath.field("days").index(i), "expected an ISO weekday 1 (Monday) to 7 (Sunday), got \(day)")
            }
            let start = ClockTime(hours.startTime)
            let end = ClockTime(hours.endTime)
            if start == nil { issues.add(hoursPath.field("start_time"), "expected HH:MM, got \"\(hours.startTime)\"") }
            if end == nil { issues.add(hoursPath.field("end_time"), "expected HH:MM, got \"\(hours.endTime)\"") }
            if let start, let end, start >= end {
                issues.add(hoursPath.field("end_time"), "must be after start_time \(start)")
            }
        }
        if let recurrence = schedule.recurrence {
            let recurrencePath = schedulePath.field("frequency")
            issues.check(
                recurrence.interval >= 1, recurrencePath.field("interval"),
                "must be at least 1, got \(recurrence.interval)")
            issues.check(
                recurrence.maxOccurrences >= 0, recurrencePath.field("max_occurrences"), "must not be negative")
            if recurrence.frequency == nil {
                issues.add(recurrencePath.field("frequency"), "required; expected \(RecurrenceFrequency.expectedNames)")
            }
            switch recurrence.frequency {
            case .weekly:
                if recurrence.daysOfWeek.isEmpty || !recurrence.daysOfWeek.allSatisfy({ (1...7).contains($0) }) {
                    issues.add(recurrencePath.field("days_of_week"), "a weekly recurrence needs ISO weekdays 1-7")
                }
            case .monthly:
                issues.check(
                    (1...31).contains(recurrence.dayOfMonth), recurrencePath.field("day_of_month"),
                    "a monthly recurrence needs a day of the month 1-31, got \(recurrence.dayOfMonth)")
            case .cron:
                if let problem = Self.cronProblem(recurrence.cron) { issues.add(recurrencePath.field("cron"), problem) }
            case .daily, nil:
                break
            }
        }
        for (i, trigger) in schedule.triggers.enumerated() {
            let triggerPath = schedulePath.field("triggers").index(i)
            if trigger.event.isEmpty { issues.add(triggerPath.field("event"), "required") }
            if let delay = trigger.delay, delay.seconds < 0 || delay.nanos < 0 {
                issues.add(triggerPath.field("delay"), "must not be negative")
            }
        }
    }

    /// Why a five-field cron expression (minute hour day-of-month month day-of-week) is not valid, or nil.
    static func cronProblem(_ cron: String) -> String? {
        let fields = cron.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count == 5 else {
            return "expected five fields (minute hour day month weekday), got \(fields.count)"
        }
        let ranges: [(String, ClosedRange<Int>)] = [
            ("minute", 0...59), ("hour", 0...23), ("day", 1...31), ("month", 1...12), ("weekday", 0...7),
        ]
        for (field, (name, range)) in zip(fields, ranges) {
            for part in field.split(separator: ",", omittingEmptySubsequences: false) {
                let stepParts = part.split(separator: "/", omittingEmptySubsequences: false)
                guard stepParts.count <= 2, stepParts.count == 1 || Int(stepParts[1]).map({ $0 > 0 }) == true else {
                    return "\(name) field \"\(field)\": bad step"
                }
                let base = stepParts[0]
                if base == "*" { continue }
                let bounds = base.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.map(range.contains) == true }),
                    bounds.count == 1 || bounds[0]! <= bounds[1]!
                else { return "\(name) field \"\(field)\": expected values in \(range.lowerBound)-\(range.upperBound)" }
            }
        }
        return nil
    }

    func validate(_ budget: CampaignBudget, at path: String, into issues: inout FieldIssues) {
        issues.check(budget.total.isFinite && budget.total >= 0, path.field("total"), "must be a non-negative amount")
        issues.check(
            budget.dailyLimit.isFinite && budget.dailyLimit >= 0, path.field("daily_limit"),
            "must be a non-negative amount")
        if budget.total > 0 && budget.dailyLimit > budget.total {
            issues.add(path.field("daily_limit"), "must not exceed total \(budget.total)")
        }
        let isCode = budget.currency.count == 3 && budget.currency.allSatisfy { $0.isASCII && $0.isUppercase }
        if (budget.total > 0 || budget.dailyLimit > 0 || !budget.currency.isEmpty) && !isCode {
            issues.add(path.field("currency"), "expected an ISO 4217 code such as EUR, got \"\(budget.currency)\"")
        }
        for (channel, cost) in budget.costPerMessage.sorted(by: { $0.key < $1.key }) {
            let costPath = path.field("cost_per_message").key(channel)
            if NotificationChannel(rawValue: channel) == nil {
                issues.add(
                    costPath,
                    "expected a channel name: " + NotificationChannel.allCases.map(\.rawValue).joined(separator: ", "))
            }
            issues.check(cost.isFinite && cost >= 0, costPath, "must be a non-negative amount")
        }
    }

    func validate(_ goal: CampaignGoal, at path: String, into issues: inout FieldIssues) {
        if !CampaignMetrics.metricNames.contains(goal.metric) {
            issues.add(
                path.field("metric"),
                "unknown metric \"\(goal.metric)\"; expected one of \(CampaignMetrics.metricNames.joined(separator: ", "))"
            )
        }
        issues.check(goal.target.isFinite && goal.target > 0, path.field("target"), "must be positive")
        if goal.metric.hasSuffix("_rate") && goal.target > 1 {
            issues.add(path.field("target"), "a rate is a fraction between 0 and 1, got \(goal.target)")
        }
        if let window = goal.window, !window.isPositive { issues.add(path.field("window"), "must be positive") }
    }

    func validate(_ test: ABTestConfig, at path: String, into issues: inout FieldIssues) {
        if test.name.isEmpty { issues.add(path.field("name"), "required") }
        if test.type == nil { issues.add(path.field("type"), "required; expected \(TestType.expectedNames)") }
        if test.variants.count < 2 { issues.add(path.field("variants"), "an A/B test needs at least two variants") }
        var ids: Set<String> = []
        for (i, variant) in test.variants.enumerated() {
            let variantPath = path.field("variants").index(i)
            if variant.id.isEmpty || !ids.insert(variant.id).inserted {
                issues.add(variantPath.field("id"), "a unique, non-empty id is required")
            }
            issues.check(
                variant.allocation > 0 && variant.allocation <= 100, variantPath.field("allocation"),
                "must be in (0, 100]")
        }
        let total = test.variants.reduce(0) { $0 + $1.allocation }
        if test.variants.count >= 2 && abs(total - 100) > 1e-6 {
            issues.add(path.field("variants"), "allocations must sum to 100, got \(JSONValue.numberText(total))")
        }
        if !CampaignMetrics.metricNames.contains(test.successMetric) {
            issues.add(path.field("success_metric"), "unknown metric \"\(test.successMetric)\"")
        }
        issues.check(
            test.trafficPercentage > 0 && test.trafficPercentage <= 100, path.field("traffic_percentage"),
            "must be in (0, 100]")
    }
}
