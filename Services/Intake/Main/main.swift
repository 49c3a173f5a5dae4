import HallServer
import IntakeService

// `hall-intake`: the intake service as its own process.
await ServiceMain.start(ServiceCommand<Intake>.self)
