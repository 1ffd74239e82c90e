/**
 * Every /v1 route spec of the API, in one list: the OpenAPI document, the API reference table
 * (docs/api.md) and the role and tenant-isolation matrix are generated from it. A resource
 * module adds its `xRoutes` object here in the same change that registers it in app.ts.
 */
import type { RouteSpec } from '../route-spec.ts';
import { decideRoutes } from './decide.ts';

export const allRouteSpecs: RouteSpec[] = [
  ...Object.values(decideRoutes),
];
