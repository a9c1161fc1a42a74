import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBooleanString,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { validateCronExpression } from 'cron';
import { parseDuration } from '../common/duration';
import { COMPONENT_NAMES, type ComponentName } from '../kernel/component';

const DURATION = /^\d+(\.\d+)?(ms|s|m|h|d)?$/;
const COMPONENT = `(${COMPONENT_NAMES.join('|')})`;
const CRITICAL_COMPONENTS = new RegExp(`^(none|${COMPONENT}(,${COMPONENT})*)$`);
const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
    ? Number(value)
    : value;

/**
 * Every environment variable the service reads, with its default. Validated once at start-up:
 * a bad value stops the process with one message naming every bad key (see `loadConfig`).
 */
export class Environment {
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  @IsNotEmpty()
  HOST: string = '0.0.0.0';

  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsString()
  @IsNotEmpty()
  PHOENIX_DATA_DIR: string = './data';

  @IsIn(['sqlite', 'postgres'])
  DB_TYPE: 'sqlite' | 'postgres' = 'sqlite';

  @ValidateIf((env: Environment) => env.DB_TYPE === 'postgres')
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// URL when DB_TYPE=postgres',
  })
  DATABASE_URL?: string;

  /** PostgreSQL schema for every table (default: the connection's search_path, usually public). */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lowercase identifier' })
  DATABASE_SCHEMA?: string;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'PHOENIX_ADMIN_TOKEN must be at least 16 characters' })
  PHOENIX_ADMIN_TOKEN?: string;

  @Transform(toNumber)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  PHOENIX_BODY_LIMIT_BYTES: number = 2 * 1024 * 1024;

  @Transform(toNumber)
  @IsInt()
  @Min(2)
  @Max(1024)
  PHOENIX_MAX_JSON_DEPTH: number = 64;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(600_000)
  PHOENIX_SHUTDOWN_TIMEOUT_MS: number = 10_000;

  // PlasticLTM
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(16 * 1024 * 1024)
  PHOENIX_MAX_MEMORY_BYTES: number = 1024 * 1024;

  @Matches(DURATION, {
    message: 'PHOENIX_MEMORY_HALF_LIFE must be a duration such as 7d, 12h, 90m',
  })
  PHOENIX_MEMORY_HALF_LIFE: string = '7d';

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  PHOENIX_MEMORY_REINFORCE_ALPHA: number = 0.2;

  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  PHOENIX_MEMORY_FORGET_BELOW: number = 0.05;

  @Matches(/^([a-z0-9-]{1,64}(,[a-z0-9-]{1,64})*)?$/, {
    message: 'PHOENIX_MEMORY_RETAINED_KINDS must be a comma-separated list of kinds',
  })
  PHOENIX_MEMORY_RETAINED_KINDS: string = 'decision';

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  PHOENIX_LOG_SIGNING_KEY_PATH?: string;

  @IsBooleanString()
  PHOENIX_CHAOS_ENABLED: string = 'false';

  // TriuneConscience
  @IsString()
  @IsNotEmpty()
  PHOENIX_AXIOMS_PATH: string = './axioms.json';

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(600_000)
  PHOENIX_AXIOMS_WATCH_INTERVAL_MS: number = 1000;

  @Transform(toNumber)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  PHOENIX_CONSCIENCE_MAX_INPUT_BYTES: number = 64 * 1024;

  // Kernel (component supervision)
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(600_000)
  PHOENIX_COMPONENT_TIMEOUT_MS: number = 5000;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(600_000)
  PHOENIX_COMPONENT_START_TIMEOUT_MS: number = 30_000;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(1000)
  PHOENIX_RESTART_INTENSITY: number = 5;

  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(24 * 3_600_000)
  PHOENIX_RESTART_WINDOW_MS: number = 60_000;

  @Matches(CRITICAL_COMPONENTS, {
    message: `PHOENIX_CRITICAL_COMPONENTS must be none or a comma-separated list of ${COMPONENT_NAMES.join(', ')}`,
  })
  PHOENIX_CRITICAL_COMPONENTS: string = 'memory,conscience';

  // Health probes
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(60_000)
  PHOENIX_HEALTH_CACHE_TTL_MS: number = 100;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(60_000)
  PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS: number = 500;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(60_000)
  PHOENIX_HEALTH_TIMEOUT_MS: number = 1000;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  PHOENIX_HEALTH_MIN_FREE_DISK_BYTES: number = 100 * 1024 * 1024;

  @Transform(toNumber)
  @IsNumber()
  @Min(0.01)
  @Max(1)
  PHOENIX_HEALTH_MAX_HEAP_RATIO: number = 0.9;

  // Maintenance jobs (cron expressions are checked in loadConfig)
  @IsString()
  PHOENIX_MAINTENANCE_COMPACTION_CRON: string = '*/5 * * * *';

  @IsBooleanString()
  PHOENIX_MAINTENANCE_COMPACTION_ENABLED: string = 'true';

  @IsString()
  PHOENIX_MAINTENANCE_CLEANUP_CRON: string = '*/5 * * * *';

  @IsBooleanString()
  PHOENIX_MAINTENANCE_CLEANUP_ENABLED: string = 'true';

  @IsString()
  PHOENIX_MAINTENANCE_INTEGRITY_CRON: string = '0 * * * *';

  @IsBooleanString()
  PHOENIX_MAINTENANCE_INTEGRITY_ENABLED: string = 'true';

  @IsString()
  PHOENIX_MAINTENANCE_BACKUP_CRON: string = '30 * * * *';

  @IsBooleanString()
  PHOENIX_MAINTENANCE_BACKUP_ENABLED: string = 'true';

  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(24 * 3_600_000)
  PHOENIX_MAINTENANCE_TIMEOUT_MS: number = 15 * 60_000;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(1000)
  PHOENIX_BACKUP_KEEP: number = 7;

  // World model
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100_000)
  PHOENIX_WORLD_MAX_FACTS: number = 1000;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(10_000)
  PHOENIX_WORLD_BATCH_LEAVES: number = 500;

  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  PHOENIX_WORLD_CATCHUP_INTERVAL_MS: number = 1000;
}

export interface AppConfig {
  port: number;
  host: string;
  env: 'development' | 'production' | 'test';
  dataDir: string;
  db: {
    type: 'sqlite' | 'postgres';
    url?: string;
    schema?: string;
    poolSize: number;
  };
  log: { level: string; format: 'json' | 'pretty' };
  adminToken?: string;
  bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON request body may have. */
  maxJsonDepth: number;
  shutdownTimeoutMs: number;
  memory: {
    maxBytes: number;
    halfLifeMs: number;
    reinforceAlpha: number;
    forgetBelow: number;
    retainedKinds: string[];
    signingKeyPath?: string;
  };
  chaosEnabled: boolean;
  conscience: {
    axiomsPath: string;
    /** 0: the axioms file is not watched (reload through the admin API only). */
    watchIntervalMs: number;
    maxInputBytes: number;
  };
  kernel: {
    componentTimeoutMs: number;
    startTimeoutMs: number;
    restartIntensity: number;
    restartWindowMs: number;
    criticalComponents: ComponentName[];
  };
  health: {
    cacheTtlMs: number;
    indicatorTimeoutMs: number;
    timeoutMs: number;
    minFreeDiskBytes: number;
    maxHeapRatio: number;
  };
  maintenance: {
    jobs: Record<MaintenanceJobName, { enabled: boolean; cron: string }>;
    timeoutMs: number;
    backupKeep: number;
  };
  world: {
    /** Most facts one observation may carry through the observations route. */
    maxFacts: number;
    /** Most leaves the projection reads per batch. */
    batchLeaves: number;
    /** How often the projection looks for leaves it was not told about. */
    catchUpIntervalMs: number;
  };
}

export const MAINTENANCE_JOB_NAMES = ['compaction', 'cleanup', 'integrity', 'backup'] as const;
export type MaintenanceJobName = (typeof MAINTENANCE_JOB_NAMES)[number];

/** Thrown when the environment is invalid; its message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment and returns the typed configuration, or throws ConfigError. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((message) =>
      message.startsWith(e.property) ? message : `${e.property}: ${message}`,
    ),
  );
  if (
    DURATION.test(env.PHOENIX_MEMORY_HALF_LIFE) &&
    parseDuration(env.PHOENIX_MEMORY_HALF_LIFE) <= 0
  ) {
    problems.push('PHOENIX_MEMORY_HALF_LIFE must be longer than zero');
  }
  for (const job of MAINTENANCE_JOB_NAMES) {
    const key = `PHOENIX_MAINTENANCE_${upper(job)}_CRON` as const;
    const { valid, error } = validateCronExpression(env[key]);
    if (!valid) {
      problems.push(`${key} must be a cron expression (${error?.message ?? 'invalid'})`);
    }
  }
  if (env.PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS > env.PHOENIX_HEALTH_TIMEOUT_MS) {
    problems.push('PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS must not exceed PHOENIX_HEALTH_TIMEOUT_MS');
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const nodeEnv = env.NODE_ENV as AppConfig['env'];
  return {
    port: env.PORT,
    host: env.HOST,
    env: nodeEnv,
    dataDir: env.PHOENIX_DATA_DIR,
    db: {
      type: env.DB_TYPE,
      url: env.DATABASE_URL,
      schema: env.DATABASE_SCHEMA,
      poolSize: env.DATABASE_POOL_SIZE,
    },
    log: {
      level: env.LOG_LEVEL,
      format: env.LOG_FORMAT ?? (nodeEnv === 'production' ? 'json' : 'pretty'),
    },
    adminToken: env.PHOENIX_ADMIN_TOKEN,
    bodyLimitBytes: env.PHOENIX_BODY_LIMIT_BYTES,
    maxJsonDepth: env.PHOENIX_MAX_JSON_DEPTH,
    shutdownTimeoutMs: env.PHOENIX_SHUTDOWN_TIMEOUT_MS,
    memory: {
      maxBytes: env.PHOENIX_MAX_MEMORY_BYTES,
      halfLifeMs: parseDuration(env.PHOENIX_MEMORY_HALF_LIFE),
      reinforceAlpha: env.PHOENIX_MEMORY_REINFORCE_ALPHA,
      forgetBelow: env.PHOENIX_MEMORY_FORGET_BELOW,
      retainedKinds: env.PHOENIX_MEMORY_RETAINED_KINDS.split(',').filter(Boolean),
      signingKeyPath: env.PHOENIX_LOG_SIGNING_KEY_PATH,
    },
    chaosEnabled: env.PHOENIX_CHAOS_ENABLED === 'true',
    conscience: {
      axiomsPath: env.PHOENIX_AXIOMS_PATH,
      watchIntervalMs: env.PHOENIX_AXIOMS_WATCH_INTERVAL_MS,
      maxInputBytes: env.PHOENIX_CONSCIENCE_MAX_INPUT_BYTES,
    },
    kernel: {
      componentTimeoutMs: env.PHOENIX_COMPONENT_TIMEOUT_MS,
      startTimeoutMs: env.PHOENIX_COMPONENT_START_TIMEOUT_MS,
      restartIntensity: env.PHOENIX_RESTART_INTENSITY,
      restartWindowMs: env.PHOENIX_RESTART_WINDOW_MS,
      criticalComponents:
        env.PHOENIX_CRITICAL_COMPONENTS === 'none'
          ? []
          : (env.PHOENIX_CRITICAL_COMPONENTS.split(',') as ComponentName[]),
    },
    health: {
      cacheTtlMs: env.PHOENIX_HEALTH_CACHE_TTL_MS,
      indicatorTimeoutMs: env.PHOENIX_HEALTH_INDICATOR_TIMEOUT_MS,
      timeoutMs: env.PHOENIX_HEALTH_TIMEOUT_MS,
      minFreeDiskBytes: env.PHOENIX_HEALTH_MIN_FREE_DISK_BYTES,
      maxHeapRatio: env.PHOENIX_HEALTH_MAX_HEAP_RATIO,
    },
    maintenance: {
      jobs: Object.fromEntries(
        MAINTENANCE_JOB_NAMES.map((job) => {
          const prefix = `PHOENIX_MAINTENANCE_${upper(job)}` as const;
          return [
            job,
            { enabled: env[`${prefix}_ENABLED`] === 'true', cron: env[`${prefix}_CRON`] },
          ];
        }),
      ) as AppConfig['maintenance']['jobs'],
      timeoutMs: env.PHOENIX_MAINTENANCE_TIMEOUT_MS,
      backupKeep: env.PHOENIX_BACKUP_KEEP,
    },
    world: {
      maxFacts: env.PHOENIX_WORLD_MAX_FACTS,
      batchLeaves: env.PHOENIX_WORLD_BATCH_LEAVES,
      catchUpIntervalMs: env.PHOENIX_WORLD_CATCHUP_INTERVAL_MS,
    },
  };
}

function upper<T extends string>(text: T): Uppercase<T> {
  return text.toUpperCase() as Uppercase<T>;
}
