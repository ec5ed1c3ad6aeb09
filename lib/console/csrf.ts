/**
 * CSRF protection for the console's forms: a random value in a SameSite=Strict, HttpOnly cookie,
 * and in every form its HMAC under the console's secret. A POST must carry both, matching, and
 * (when the browser sends one) an Origin of this host. A cookie planted from a sibling domain
 * does not help an attacker: without the secret it cannot make the matching form value.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";

export const CSRF_FIELD = "_csrf";
const COOKIE = "scim_console_csrf";

function cookieOf(req: Request): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return value.join("=");
  }
  return undefined;
}

export interface Csrf {
  /** The form value for this browser, setting its cookie when it has none. */
  token(req: Request, res: Response): string;
  /** Whether a state-changing request carries a valid token and comes from this origin. */
  valid(req: Request, field: unknown): boolean;
}

export function csrf(secret: string): Csrf {
  const sign = (value: string) => createHmac("sha256", secret).update(value).digest("base64url");
  return {
    token(req, res) {
      let value = cookieOf(req);
      if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
        value = randomBytes(32).toString("base64url");
        const secure = req.secure ? "; Secure" : "";
        res.append("Set-Cookie", `${COOKIE}=${value}; Path=${req.baseUrl || "/"}; HttpOnly; SameSite=Strict${secure}`);
      }
      return sign(value);
    },
    valid(req, field) {
      const origin = req.get("origin");
      if (origin !== undefined && origin !== "null") {
        try {
          if (new URL(origin).host !== req.get("host")) return false;
        } catch {
          return false;
        }
      } else if (origin === "null") return false;
      const value = cookieOf(req);
      if (!value || typeof field !== "string") return false;
      const expected = Buffer.from(sign(value));
      const given = Buffer.from(field);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
