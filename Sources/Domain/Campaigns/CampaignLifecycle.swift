import HeraldCore

/// The spec's CampaignStatus: draft -> scheduled -> active <-> paused -> completed -> archived.
public enum CampaignStatus: String, WireEnum {
    public static let wirePrefix = "CAMPAIGN_STATUS_"
    case draft, scheduled, active, paused, completed, archived

    /// Completed and archived campaigns are final: nothing runs them again.
    public var isFinal: Bool { self == .completed || self == .archived }

    /// Whether the definition may be edited (updated or rolled back) in this state.
    public var isEditable: Bool { self == .draft || self == .scheduled || self == .paused }
}

/// What moves a campaign from one status to another.
public enum CampaignTransition: String, Sendable, CaseIterable {
    /// ExecuteCampaign with a start date in the future.
    case schedule
    /// ExecuteCampaign starting now, or the start date of a scheduled campaign arriving.
    case activate
    case pause
    case resume
    /// Every recipient went through the workflow, or the end date passed.
    case complete
    /// TerminateCampaign: ends the campaign from any non-final state.
    case terminate
    case archive

    /// The statuses this transition leaves from, and where it goes.
    var rule: (from: Set<CampaignStatus>, to: CampaignStatus) {
        switch self {
        case .schedule: ([.draft], .scheduled)
        case .activate: ([.draft, .scheduled], .active)
        case .pause: ([.active], .paused)
        case .resume: ([.paused], .active)
        case .complete: ([.active, .paused], .completed)
        case .terminate: ([.draft, .scheduled, .active, .paused], .completed)
        case .archive: ([.completed], .archived)
        }
    }
}

/// A transition the campaign's status does not allow: FAILED_PRECONDITION naming both.
public struct IllegalTransition: Error, Equatable, StatusConvertibleError, CustomStringConvertible {
    public let status: CampaignStatus
    public let transition: CampaignTransition

    public init(status: CampaignStatus, transition: CampaignTransition) {
        self.status = status
        self.transition = transition
    }

    public var statusCode: StatusCode { .failedPrecondition }
    public var statusMessage: String {
        let allowed = transition.rule.from.sorted { $0.wire < $1.wire }.map(\.rawValue).joined(separator: ", ")
        return
            "cannot \(transition.rawValue) a campaign that is \(status.rawValue) (\(transition.rawValue) needs \(allowed))"
    }
    public var description: String { statusMessage }
}

extension CampaignStatus {
    /// The status after `transition`, or `IllegalTransition`.
    public func applying(_ transition: CampaignTransition) throws(IllegalTransition) -> CampaignStatus {
        let rule = transition.rule
        guard rule.from.contains(self) else { throw IllegalTransition(status: self, transition: transition) }
        return rule.to
    }
}
