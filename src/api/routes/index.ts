import type { RouteDeps } from "../deps.js";
import type { AnyRoute } from "../route.js";
import { deviceRoutes } from "./devices.js";
import { dispensingRoutes } from "./dispensing.js";
import { outboxRoutes } from "./outbox.js";
import { ownerRoutes } from "./owner.js";
import { paperRoutes } from "./paper.js";
import { patientRoutes } from "./patients.js";
import { systemRoutes } from "./system.js";

export function buildRoutes(deps: RouteDeps): AnyRoute[] {
  return [
    ...systemRoutes(deps),
    ...dispensingRoutes(deps),
    ...paperRoutes(deps),
    ...patientRoutes(deps),
    ...deviceRoutes(deps),
    ...outboxRoutes(deps),
    ...ownerRoutes(deps),
  ];
}
