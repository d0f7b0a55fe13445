import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { IMPERSONATION_LIMITS } from '@internal/backstage-plugin-admin-common';

const MINUTE_MS = 60_000;

/** The impersonation settings of `admin.impersonation`, checked at startup. */
export class ImpersonationSettings {
  private constructor(
    readonly defaultMs: number,
    readonly maxMinutes: number,
    readonly allowWrites: boolean,
    readonly expiryCheckMs: number,
  ) {}

  static fromConfig(config: Config): ImpersonationSettings {
    const section = config.getOptionalConfig('admin.impersonation');
    const readMs = (key: string, fallback: number) =>
      section?.has(key)
        ? durationToMilliseconds(readDurationFromConfig(section, { key }))
        : fallback;
    const maxMinutes =
      section?.getOptionalNumber('maxMinutes') ??
      IMPERSONATION_LIMITS.maxMinutes;
    if (
      !Number.isInteger(maxMinutes) ||
      maxMinutes < 1 ||
      maxMinutes > IMPERSONATION_LIMITS.maxMinutes
    ) {
      throw new Error(
        `admin.impersonation.maxMinutes must be a whole number of minutes from 1 to ${IMPERSONATION_LIMITS.maxMinutes}, not ${maxMinutes}`,
      );
    }
    const defaultMs = readMs(
      'defaultDuration',
      IMPERSONATION_LIMITS.defaultMinutes * MINUTE_MS,
    );
    if (defaultMs <= 0 || defaultMs > maxMinutes * MINUTE_MS) {
      throw new Error(
        `admin.impersonation.defaultDuration must be more than 0 and at most maxMinutes (${maxMinutes} minutes)`,
      );
    }
    return new ImpersonationSettings(
      defaultMs,
      maxMinutes,
      section?.getOptionalBoolean('allowWrites') ?? false,
      readMs('expiryCheckInterval', 15_000),
    );
  }

  /** The session length for a request: the default, or 1 to maxMinutes whole minutes. */
  durationMs(durationMinutes: number | undefined): number {
    if (durationMinutes === undefined) return this.defaultMs;
    if (
      !Number.isInteger(durationMinutes) ||
      durationMinutes < 1 ||
      durationMinutes > this.maxMinutes
    ) {
      throw new InputError(
        `durationMinutes must be a whole number of minutes from 1 to ${this.maxMinutes}, not ${durationMinutes}`,
      );
    }
    return durationMinutes * MINUTE_MS;
  }

  /** What the impersonation dialog needs to know. */
  describe() {
    return {
      defaultDurationSeconds: Math.round(this.defaultMs / 1000),
      maxMinutes: this.maxMinutes,
      reasonMinLength: IMPERSONATION_LIMITS.reasonMinLength,
      allowWrites: this.allowWrites,
    };
  }
}
