import { z } from 'zod';

/** An optional integer variable with bounds and a default; the message names the variable. */
export const boundedInteger = (name: string, min: number, max: number, fallback: number) =>
  optionalBoundedInteger(name, min, max).transform((value) => value ?? fallback);

/** An optional integer variable with bounds, undefined when unset (the default depends on other settings). */
export const optionalBoundedInteger = (name: string, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, context): number | undefined => {
      if (value === undefined || value.trim() === '') return undefined;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        context.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });
