// campaign-manager: herald.campaigns.v1.CampaignManager on its port (8080 by default), see ServiceHost.
import CampaignManager
import RPC
import ServiceRuntime

ServiceHost.run("campaign-manager") { context in
    var services = ServiceRegistry()
    let campaigns = try CampaignService(
        pool: context.pool, maxWorkflowNodes: context.config.workflow.maxNodes,
        cachedCampaigns: context.config.campaigns.cacheEntries)
    campaigns.register(in: &services)
    return .init(services) { campaigns.shutdown() }
}
