/** The MaintenanceJob instances the service schedules (see maintenance.module.ts). */
export const MAINTENANCE_JOBS = Symbol('MAINTENANCE_JOBS');
