import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC

/// `heraldctl users ...`: the UserDirectory API from the command line, as readable lines or `--json`.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract:
            "Import, read, export and manage users, their consent and GDPR requests (herald.users.v1.UserDirectory).",
        subcommands: [
            ImportUsers.self, Generate.self, TrackSynthetic.self, Get.self, List.self, Export.self, Consent.self,
            GDPR.self,
        ])

    /// What every users subcommand takes.
    struct Options: ParsableArguments {
        @Option(name: .long, help: "The user directory, HOST:PORT (default: 127.0.0.1 and its configured port).")
        var server: Endpoint?
        @Flag(name: .long, help: "Print responses as proto3 JSON.")
        var json = false
        @Option(name: .long, help: "Configuration file (for the default port).")
        var config: String?

        func client() -> ServiceCommandClient {
            ServiceCommandClient(process: "user-directory", command: "users", server: server, config: config)
        }

        func run(_ method: String, _ request: JSONValue, present: (JSONValue) -> Void) async throws {
            let client = client()
            defer { client.close() }
            try await client.run(method, request, json: json, present: present)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user's profile.")
        @OptionGroup var options: Options
        @Argument(help: "User id.") var id: String
        func run() async throws {
            try await options.run("GetUserProfile", ["userId": .string(id)]) { print(UserLines.profile($0["user"])) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, newest first.")
        @OptionGroup var options: Options
        @Option(name: .customLong("attr"), help: "Only users with this attribute value, NAME=VALUE (repeatable).")
        var attributes: [String] = []
        @Option(help: "Only users whose external id starts with this.") var prefix = ""
        @Option(help: "Only users reachable on this channel (email, sms, push, in_app).") var reachable: String?
        @Option(help: "Users per page (1-500).") var limit = 50
        @Option(help: "The page token a previous list printed.") var page = ""
        func run() async throws {
            let request: JSONValue = [
                "filter": try UserLines.filter(attributes: attributes, prefix: prefix, reachable: reachable),
                "page": ["pageSize": .number(String(limit)), "pageToken": .string(page)],
            ]
            try await options.run("ListUsers", request) { response in
                for user in response["users"].items { print(UserLines.profileLine(user)) }
                let next = response["page"]["nextPageToken"].text
                if !next.isEmpty { print("next page: --page \(next)") }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stream every user a filter selects as JSON lines (UserProfile in proto3 JSON), oldest first.")
        @OptionGroup var options: Options
        @Option(name: .customLong("attr"), help: "Only users with this attribute value, NAME=VALUE (repeatable).")
        var attributes: [String] = []
        @Option(help: "Only users whose external id starts with this.") var prefix = ""
        @Option(help: "Only users reachable on this channel (email, sms, push, in_app).") var reachable: String?
        func run() async throws {
            let client = options.client()
            defer { client.close() }
            let filter = try UserLines.filter(attributes: attributes, prefix: prefix, reachable: reachable)
            var count = 0
            do {
                for try await batch in client.watch("ExportUsers", ["filter": filter], timeout: nil) {
                    var text = ""
                    for user in batch["users"].items { text += user.text() + "\n" }
                    count += batch["users"].items.count
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            } catch let error as RPCError {
                throw client.failure(error)
            }
            printError("exported \(count) users")
        }
    }

    struct Consent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a user's consent, or change it with --set.",
            discussion: """
                --set takes SUBJECT=true|false, comma-separated: marketing, analytics, transactional, personalization, \
                or a channel as channel:email, channel:sms, channel:push, channel:in_app. A change needs --source \
                (where it was given or withdrawn) and is kept in the history for ever.
                """)
        @OptionGroup var options: Options
        @Argument(help: "User id.") var id: String
        @Option(help: "Changes, e.g. marketing=false,channel:sms=true.") var set: String?
        @Option(help: "Where the change comes from (required with --set).") var source = ""
        @Option(help: "The legal basis of the change (consent, contract, legitimate_interest, ...).") var legalBasis =
            ""
        @Flag(help: "Include every change.") var history = false
        func run() async throws {
            if let set {
                let update = try UserLines.consentUpdate(set, source: source, legalBasis: legalBasis)
                try await options.run("UpdateUserConsent", ["userId": .string(id), "consent": update]) { _ in }
            }
            try await options.run(
                "GetUserConsent", ["userId": .string(id), "includeHistory": .bool(history)]
            ) { print(UserLines.consent($0["consent"])) }
        }
    }

    struct GDPR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gdpr", abstract: "Data-subject requests: access (export), erasure, and their status.",
            subcommands: [ExportData.self, Erase.self, Status.self])

        struct ExportData: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "export", abstract: "Everything Herald holds on a user, as one JSON document.")
            @OptionGroup var options: Options
            @Argument(help: "User id.") var id: String
            @Option(name: .customLong("by"), help: "Who asks (audited), e.g. dpo@example.com.") var requestedBy: String
            @Option(name: .shortAndLong, help: "Write the document here instead of stdout.") var output: String?
            func run() async throws {
                try await options.run("ExportUserData", ["userId": .string(id), "requestedBy": .string(requestedBy)]) {
                    response in
                    let document = response["data"].text(indent: 2) + "\n"
                    if let output {
                        guard FileManager.default.createFile(atPath: output, contents: Data(document.utf8)) else {
                            printError("heraldctl users gdpr export: cannot write \(output)")
                            Foundation.exit(1)
                        }
                        print("written to \(output); request \(response["request"]["id"].text)")
                    } else {
                        print(document, terminator: "")
                    }
                }
            }
        }

        struct Erase: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Erase a user's personal data in every service (a durable request, retried until done).")
            @OptionGroup var options: Options
            @Argument(help: "User id.") var id: String
            @Option(name: .customLong("by"), help: "Who asks (audited).") var requestedBy: String
            func run() async throws {
                try await options.run("EraseUser", ["userId": .string(id), "requestedBy": .string(requestedBy)]) {
                    print(UserLines.request($0["request"]))
                }
            }
        }

        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A data-subject request and each service's part.")
            @OptionGroup var options: Options
            @Argument(help: "Request id.") var id: String
            func run() async throws {
                try await options.run("GetDataSubjectRequest", ["requestId": .string(id)]) {
                    print(UserLines.request($0["request"]))
                }
            }
        }
    }
}
