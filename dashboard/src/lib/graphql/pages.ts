import type { AnyVariables, Client, OperationResult, TypedDocumentNode } from '@urql/core';

export interface Page<Node> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Node[];
}

/** What loadEveryPage follows: the selection a paged query asks of its connection, beside `nodes`. */
export const PAGE_INFO_FIELDS = `
  pageInfo {
    hasNextPage
    endCursor
  }
`;

/**
 * Follows a connection page by page. A failed page fails the whole load: half a list of sites or
 * devices would pass for the whole one.
 */
export async function loadEveryPage<Data, Node>(
  client: Client,
  query: TypedDocumentNode<Data, { after: string | null }>,
  pageOf: (data: Data) => Page<Node>,
): Promise<Node[] | Error> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (;;) {
    const result: OperationResult<Data, AnyVariables> = await client
      .query(query, { after }, { requestPolicy: 'network-only' })
      .toPromise();
    if (!result.data) return result.error ?? new Error('the query answered without data');
    const page = pageOf(result.data);
    nodes.push(...page.nodes);
    const { hasNextPage, endCursor } = page.pageInfo;
    if (!hasNextPage || !endCursor) return nodes;
    after = endCursor;
  }
}
