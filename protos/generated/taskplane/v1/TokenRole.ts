// Original file: protos/taskplane/v1/security_service.proto

export const TokenRole = {
  TOKEN_ROLE_UNSPECIFIED: 'TOKEN_ROLE_UNSPECIFIED',
  TOKEN_ROLE_VIEWER: 'TOKEN_ROLE_VIEWER',
  TOKEN_ROLE_OPERATOR: 'TOKEN_ROLE_OPERATOR',
  TOKEN_ROLE_ADMIN: 'TOKEN_ROLE_ADMIN',
} as const;

export type TokenRole =
  | 'TOKEN_ROLE_UNSPECIFIED'
  | 0
  | 'TOKEN_ROLE_VIEWER'
  | 1
  | 'TOKEN_ROLE_OPERATOR'
  | 2
  | 'TOKEN_ROLE_ADMIN'
  | 3

export type TokenRole__Output = typeof TokenRole[keyof typeof TokenRole]
