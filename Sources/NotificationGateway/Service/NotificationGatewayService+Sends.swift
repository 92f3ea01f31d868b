import Domain
import Foundation
import RPC
import ServiceKit

/// SendEmail, SendSMS, SendPushNotification, SendInAppMessage and SendBulkMessages.
extension NotificationGatewayService {
    func registerSends(in services: inout ServiceRegistry) {
        let api = NotificationGatewayAPI.self
        registerSend(api.sendEmail, in: &services)
        registerSend(api.sendSMS, in: &services)
        registerSend(api.sendPushNotification, in: &services)
        registerSend(api.sendInAppMessage, in: &services)
        services.unary(api.sendBulkMessages) { request, _ in Only(try await sendBulk(request.messages)) }
    }

    private func registerSend<Content>(
        _ method: RPCMethod<SendRequest<Content>, Only<DeliveryResult>>, in services: inout ServiceRegistry
    ) {
        services.unary(
            method,
            validate: { request, issues in
                if !issues.reported("key"), !issues.reported("content") {
                    MessageValidator.validate(&request.message, at: "", content: "content", into: &issues)
                }
            }
        ) { request, _ in
            let result = try await store.accept([request.message])[0]
            if !result.duplicate { wakeDispatchers() }
            return Only(result)
        }
    }

    /// Every valid message accepted in one statement; each invalid one answered with what is wrong with it (no id,
    /// FAILED), without failing the others.
    func sendBulk(_ readings: [SendBulkMessagesRequest.Reading]) async throws -> BulkDeliveryResult {
        var valid: [(index: Int, message: BulkMessage)] = []
        var results = [DeliveryResult?](repeating: nil, count: readings.count)
        for (i, reading) in readings.enumerated() {
            var issues = FieldIssues()
            for issue in reading.issues { issues.add(issue.path, issue.problem) }
            var message = reading.message
            if reading.issues.isEmpty { MessageValidator.validate(&message, at: "", into: &issues) }
            if issues.count == 0 {
                valid.append((i, message))
            } else {
                let problems = issues.issues.map { "messages[\(i)].\($0.path): \($0.problem)" }
                results[i] = DeliveryResult(messageID: nil, state: .failed, error: problems.joined(separator: "; "))
            }
        }
        let accepted = try await store.accept(valid.map(\.message))
        for ((i, _), result) in zip(valid, accepted) { results[i] = result }
        let duplicates = accepted.filter(\.duplicate).count
        if duplicates < accepted.count { wakeDispatchers() }
        return BulkDeliveryResult(
            results: results.map { $0! }, accepted: Int64(accepted.count - duplicates), duplicates: Int64(duplicates),
            rejected: Int64(readings.count - valid.count))
    }
}
