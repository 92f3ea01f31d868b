import Foundation

public enum ReportFormat: String, WireEnum {
    public static let wirePrefix = "REPORT_FORMAT_"
    case json, csv, html
}

public enum Granularity: String, WireEnum {
    public static let wirePrefix = "GRANULARITY_"
    case hourly, daily, weekly, monthly
}

/// What a report (or a dashboard widget) shows: metrics of campaigns over time, broken down by dimensions.
public struct ReportDefinition: Equatable, Sendable {
    public var name: String
    public var campaignIDs: [UUID]
    public var timeRange: TimeRange?
    /// CampaignMetrics field names.
    public var metrics: [String]
    /// "campaign", "channel", "device_type", ...
    public var dimensions: [String]
    public var granularity: Granularity?
    public var format: ReportFormat?

    public init(
        name: String = "", campaignIDs: [UUID] = [], timeRange: TimeRange? = nil, metrics: [String],
        dimensions: [String] = [],
        granularity: Granularity? = nil, format: ReportFormat? = nil
    ) {
        self.name = name
        self.campaignIDs = campaignIDs
        self.timeRange = timeRange
        self.metrics = metrics
        self.dimensions = dimensions
        self.granularity = granularity
        self.format = format
    }
}

/// One row of a report: the dimensions' values, the period, and each metric's value.
public struct ReportRow: Equatable, Sendable {
    public var dimensions: [String]
    public var periodStart: Date?
    public var values: [String: Double]

    public init(dimensions: [String] = [], periodStart: Date? = nil, values: [String: Double]) {
        self.dimensions = dimensions
        self.periodStart = periodStart
        self.values = values
    }
}

/// A generated report: its rows, and the rendering in the format asked for.
public struct CampaignReport: Equatable, Sendable {
    public var id: UUID
    public var definition: ReportDefinition
    public var rows: [ReportRow]
    public var generatedAt: Date
    public var rendered: [UInt8]

    public init(id: UUID, definition: ReportDefinition, rows: [ReportRow], generatedAt: Date, rendered: [UInt8] = []) {
        self.id = id
        self.definition = definition
        self.rows = rows
        self.generatedAt = generatedAt
        self.rendered = rendered
    }
}

public struct DashboardWidget: Equatable, Sendable {
    public var id: String
    /// "line", "bar", "number", "table", "funnel".
    public var kind: String
    public var title: String
    public var query: ReportDefinition?
    /// Grid position and size.
    public var x: Int32
    public var y: Int32
    public var width: Int32
    public var height: Int32

    public init(
        id: String, kind: String, title: String = "", query: ReportDefinition? = nil, x: Int32 = 0, y: Int32 = 0,
        width: Int32 = 0,
        height: Int32 = 0
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.query = query
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

public struct DashboardDefinition: Equatable, Sendable {
    public var name: String
    public var widgets: [DashboardWidget]
    public var refreshIntervalSeconds: Int32

    public init(name: String, widgets: [DashboardWidget] = [], refreshIntervalSeconds: Int32 = 0) {
        self.name = name
        self.widgets = widgets
        self.refreshIntervalSeconds = refreshIntervalSeconds
    }
}

public struct Dashboard: Equatable, Sendable {
    public var id: UUID
    public var definition: DashboardDefinition
    public var createdAt: Date
    public var createdBy: UUID

    public init(id: UUID, definition: DashboardDefinition, createdAt: Date, createdBy: UUID) {
        self.id = id
        self.definition = definition
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
