import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC
import TypedClients
import Yams

/// `heraldctl campaign ...`: the CampaignManager API from the command line, as readable tables or `--json`.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Create, change, run and watch campaigns (herald.campaigns.v1.CampaignManager).",
        subcommands: [
            Create.self, List.self, Get.self, Update.self, Execute.self, Pause.self, Resume.self, Terminate.self,
            Archive.self,
            Versions.self, Rollback.self, StatusCommand.self, Watch.self,
        ])

    /// What every campaign subcommand takes.
    struct Options: ParsableArguments {
        @Option(name: .long, help: "The campaign manager, HOST:PORT (default: 127.0.0.1 and its configured port).")
        var server: Endpoint?
        @Option(name: .customLong("as"), help: "The user id changes are made as (default: $HERALD_USER).")
        var user: String?
        @Flag(name: .long, help: "Print the response as proto3 JSON.")
        var json = false
        @Option(name: .long, help: "Configuration file (for the default port).")
        var config: String?

        func client() -> ServiceCommandClient {
            ServiceCommandClient(process: "campaign-manager", command: "campaign", server: server, config: config)
        }

        /// The acting user: `--as`, else $HERALD_USER, else a usage error.
        func actor() throws -> String {
            if let user = user ?? ProcessInfo.processInfo.environment["HERALD_USER"], !user.isEmpty { return user }
            throw ValidationError("changes are audited: name the user with --as USER_ID or $HERALD_USER")
        }

        /// Calls `method`, then prints the response with `present` (or as JSON with --json).
        func run(_ method: String, _ request: JSONValue, present: (JSONValue) -> Void) async throws {
            let client = client()
            defer { client.close() }
            try await client.run(method, request, json: json, present: present)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a draft campaign from a YAML or JSON CampaignDefinition.")
        @OptionGroup var options: Options
        @Option(name: .shortAndLong, help: "The definition (YAML or proto3 JSON); - for stdin.") var file: String
        func run() async throws {
            let request: JSONValue = [
                "campaign": try DefinitionFile.load(file), "createdBy": .string(try options.actor()),
            ]
            try await options.run("CreateCampaign", request) { Show.campaign($0["campaign"]) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns, newest first.")
        @OptionGroup var options: Options
        @Option(help: "Only these statuses (draft, active, ...), comma-separated.") var status: String?
        @Option(help: "Only campaigns with all these tags, comma-separated.") var tag: String?
        @Option(help: "Only names containing this text.") var name: String?
        @Option(help: "Campaigns per page (1-500).") var limit = 50
        @Option(help: "The page token a previous list printed.") var page = ""
        func run() async throws {
            var filter: [(String, JSONValue)] = []
            if let status {
                filter.append(
                    (
                        "statuses",
                        .array(status.split(separator: ",").map { .string("CAMPAIGN_STATUS_" + $0.uppercased()) })
                    ))
            }
            if let tag { filter.append(("tags", .array(tag.split(separator: ",").map { .string(String($0)) }))) }
            if let name { filter.append(("nameContains", .string(name))) }
            let request: JSONValue = [
                "filter": .object(filter), "page": ["pageSize": .number(String(limit)), "pageToken": .string(page)],
            ]
            try await options.run("ListCampaigns", request) { response in
                Show.table(
                    ["ID", "NAME", "TYPE", "STATUS", "VERSION", "CHANNELS", "UPDATED"],
                    response["campaigns"].items.map { c in
                        [
                            c["id"].text, c["name"].text, Show.short(c["type"]), Show.short(c["status"]),
                            c["version"].text,
                            c["channels"].items.map(Show.short).joined(separator: ","), c["updatedAt"].text,
                        ]
                    })
                if let next = response["page"]["nextPageToken"].string, !next.isEmpty {
                    print("next page: --page \(next)")
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a campaign.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        func run() async throws {
            try await options.run("GetCampaign", ["campaignId": .string(id)]) { Show.campaign($0["campaign"]) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a campaign's definition (a new version).")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        @Option(name: .shortAndLong, help: "The new definition (YAML or proto3 JSON); - for stdin.") var file: String
        @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
        func run() async throws {
            var version = expectedVersion ?? 0
            if expectedVersion == nil { version = try await options.currentVersion(id) }
            let request: JSONValue = [
                "campaignId": .string(id), "campaign": try DefinitionFile.load(file),
                "expectedVersion": .string(String(version)),
                "updatedBy": .string(try options.actor()),
            ]
            try await options.run("UpdateCampaign", request) { Show.campaign($0["campaign"]) }
        }
    }

    struct Execute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a campaign (active now, or scheduled for its start date).")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        func run() async throws {
            try await options.run(
                "ExecuteCampaign", ["campaignId": .string(id), "requestedBy": .string(try options.actor())]
            ) { r in
                print("execution \(r["execution"]["id"].text) \(Show.short(r["execution"]["status"]))")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause an active campaign.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        func run() async throws { try await options.transition("PauseCampaign", id) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused campaign.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        func run() async throws { try await options.transition("ResumeCampaign", id) }
    }

    struct Terminate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a campaign from any non-final state.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        @Option(help: "Why, for the audit trail.") var reason = ""
        func run() async throws {
            try await options.transition("TerminateCampaign", id, extra: [("reason", .string(reason))])
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a completed campaign.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        func run() async throws { try await options.transition("ArchiveCampaign", id) }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a campaign's versions, newest first.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        func run() async throws {
            try await options.run(
                "ListCampaignVersions", ["campaignId": .string(id), "page": ["pageSize": .number("500")]]
            ) { r in
                Show.table(
                    ["VERSION", "CHANGE", "NAME", "AT", "BY"],
                    r["versions"].items.map {
                        [
                            $0["version"].text, $0["change"].text, $0["campaign"]["name"].text, $0["createdAt"].text,
                            $0["createdBy"].text,
                        ]
                    })
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new version equal to an earlier one.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        @Option(help: "The version to return to.") var to: Int64
        @Option(help: "The version the change is based on (default: the current one).") var expectedVersion: Int64?
        func run() async throws {
            var version = expectedVersion ?? 0
            if expectedVersion == nil { version = try await options.currentVersion(id) }
            let request: JSONValue = [
                "campaignId": .string(id), "toVersion": .string(String(to)),
                "expectedVersion": .string(String(version)),
                "requestedBy": .string(try options.actor()),
            ]
            try await options.run("RollbackCampaign", request) { Show.campaign($0["campaign"]) }
        }
    }

    struct StatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show where a campaign stands and its latest execution.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        func run() async throws {
            try await options.run("GetCampaignStatus", ["campaignId": .string(id)]) {
                print(Show.statusLine($0["status"]))
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a campaign's status, then a line per change, until Ctrl-C.")
        @OptionGroup var options: Options
        @Argument(help: "Campaign id.") var id: String
        @Option(help: "Stop after this many seconds (default: never).") var seconds: Double?
        func run() async throws {
            let client = options.client()
            defer { client.close() }
            do {
                for try await report in client.watch(
                    "WatchCampaignStatus", ["campaignId": .string(id)],
                    timeout: seconds.map { .milliseconds(Int($0 * 1000)) })
                {
                    if options.json { print(report.text()) } else { print(Show.statusLine(report["status"])) }
                }
            } catch let error as RPCError where error.code == .deadlineExceeded && seconds != nil {
                return
            } catch let error as RPCError {
                printError("heraldctl campaign watch: \(error.code): \(error.message)")
                throw ExitCode.failure
            }
        }
    }
}

extension CampaignCommand.Options {
    func transition(_ method: String, _ id: String, extra: [(String, JSONValue)] = []) async throws {
        let request = JSONValue.object([("campaignId", .string(id)), ("requestedBy", .string(try actor()))] + extra)
        try await run(method, request) { Show.campaign($0["campaign"]) }
    }

    func currentVersion(_ id: String) async throws -> Int64 {
        let client = client()
        defer { client.close() }
        let response = try await client.call("GetCampaign", ["campaignId": .string(id)])
        return Int64(response["campaign"]["version"].text) ?? 0
    }
}
