import { gql } from '@urql/core';

export type Role = 'VIEWER' | 'OPERATOR' | 'REPORTER' | 'ADMIN' | 'INTEGRATOR';

/** The signed-in person as the gateway knows them. */
export interface SignedInUser {
  id: string;
  name: string;
  role: Role;
  /** The agency a reporter reports for. */
  agency: { id: string; acronym: string } | null;
}

const USER_FIELDS = `
  id
  name
  role
  agency {
    id
    acronym
  }
`;

export const ViewerQuery = gql<{ viewer: SignedInUser | null }, Record<string, never>>`
  query Viewer {
    viewer {
      ${USER_FIELDS}
    }
  }
`;

export const SignInMutation = gql<{ signIn: SignedInUser }, { email: string; password: string }>`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      ${USER_FIELDS}
    }
  }
`;

export const SignOutMutation = gql<{ signOut: boolean }, Record<string, never>>`
  mutation SignOut {
    signOut
  }
`;
