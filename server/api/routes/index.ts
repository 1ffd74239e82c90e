/**
 * Every /v1 route spec of the API, in one list: the OpenAPI document, the API reference table
 * (docs/api.md) and the role and tenant-isolation matrix are generated from it. A resource
 * module adds its `xRoutes` object here in the same change that registers it in app.ts.
 */
import type { RouteSpec } from '../route-spec.ts';
import { activationRoutes } from './activations.ts';
import { auditRoutes } from './audit.ts';
import { decideRoutes } from './decide.ts';
import { draftRoutes } from './drafts.ts';
import { decisionRoutes } from './decisions.ts';
import { keyRoutes } from './keys.ts';
import { meRoutes } from './me.ts';
import { policyRoutes } from './policies.ts';
import { sampleRoutes } from './samples.ts';
import { simulateRoutes } from './simulate.ts';
import { simulateTenantRoutes } from './simulate-tenant.ts';
import { tenantRoutes } from './tenants.ts';
import { versionRoutes } from './versions.ts';

export const allRouteSpecs: RouteSpec[] = [
  ...Object.values(decideRoutes),
  ...Object.values(policyRoutes),
  ...Object.values(draftRoutes),
  ...Object.values(versionRoutes),
  ...Object.values(simulateRoutes),
  ...Object.values(simulateTenantRoutes),
  ...Object.values(decisionRoutes),
  ...Object.values(meRoutes),
  ...Object.values(activationRoutes),
  ...Object.values(sampleRoutes),
  ...Object.values(keyRoutes),
  ...Object.values(auditRoutes),
  ...Object.values(tenantRoutes),
];
