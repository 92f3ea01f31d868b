// notification-gateway: herald.delivery.v1.NotificationGateway on its port (8070 by default), see ServiceHost. It
// calls user-directory (clients.user-directory) for consent, preferences and time zones before it sends, and hands its
// delivery events on to campaign-analytics (clients.campaign-analytics).
import HeraldCore
import NotificationGateway
import RPC
import ServiceClients
import ServiceRuntime
import TypedClients

ServiceHost.run("notification-gateway") { context in
    let users = UserDirectoryClient(
        ServiceClient(target: "user-directory", ServiceClientConfiguration(context.config, target: "user-directory")))
    let analytics = CampaignAnalyticsClient(
        ServiceClient(
            target: "campaign-analytics", ServiceClientConfiguration(context.config, target: "campaign-analytics")))
    var services = ServiceRegistry()
    let gateway = try NotificationGatewayService(
        pool: context.pool, users: users, analytics: analytics, config: context.config.delivery)
    gateway.register(in: &services)
    return .init(
        services,
        shutdown: {
            await gateway.shutdown()
            users.client.close()
            analytics.client.close()
        }, whenReady: { try await gateway.whenReady() })
}
