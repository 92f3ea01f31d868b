// segmentation-engine: herald.segments.v1.SegmentationEngine on its port (8082 by default), see ServiceHost. Settings
// under `segmentation:` (SEGMENTATION_BATCH_SIZE, SEGMENTATION_CACHE_TTL).
import HeraldCore
import RPC
import SegmentationEngine
import ServiceRuntime

ServiceHost.run("segmentation-engine") { context in
    var services = ServiceRegistry()
    let segments = try SegmentationEngineService(pool: context.pool, config: context.config.segmentation)
    segments.register(in: &services)
    return .init(services, shutdown: { segments.shutdown() }, whenReady: { try await segments.whenReady() })
}
