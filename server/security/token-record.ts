import type { Role } from './principal';

/** An API token as the domain sees it (never its secret). Times in epoch ms; null: unset. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  selector: Record<string, string> | null;
  methods: string[] | null;
  createTime: number;
  expireTime: number | null;
  revokeTime: number | null;
  /** "tok_... (name)" of the issuer, or "bootstrap". */
  createdBy: string;
}
