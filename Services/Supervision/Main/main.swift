import HallServer
import SupervisionService

// `hall-supervision`: the supervision service as its own process.
await ServiceMain.start(ServiceCommand<Supervision>.self)
