// The wallboard is a live client of /graphql: rendering it on the server would only fetch the
// same data twice, and the server process (the embedded hub) should not call itself.
export const ssr = false;
