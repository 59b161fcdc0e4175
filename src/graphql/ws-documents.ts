import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { ErrorCode } from '../common/errors/error-codes.js';

/** Texts longer than this are parsed for each subscription, not kept: the cache stays small whatever clients send. */
const CACHED_TEXT_MAX = 8 * 1024;

/** graphql-armor's mask for "Did you mean …?" (its blockFieldSuggestions does the same over HTTP). */
const SUGGESTION = /Did you mean ".+"\?/g;

function coded(e: GraphQLError, code: ErrorCode, hideSuggestions: boolean): GraphQLError {
  const message = hideSuggestions ? e.message.replace(SUGGESTION, '[Suggestion hidden]').trim() : e.message;
  return new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code } });
}

/**
 * Parsing and validation of graphql-ws subscribe messages under the limits Apollo applies to
 * HTTP: graphql-js's token limit, and graphql-js's rules with graphql-armor's (depth, aliases,
 * cost, directives). graphql-ws would otherwise parse without a limit, validate with
 * graphql-js's rules only, and answer a syntax error by closing the socket with 4500 (every
 * other subscription of the client with it). Errors carry their contract code and are answered
 * on the subscription.
 *
 * Parsed documents are kept by their text (the most recent `capacity`, texts up to 8 KB), and
 * each document's validation with it: the thousand subscribers of one query share one
 * document, parsed and validated once.
 */
export class WsDocuments {
  private readonly documents = new Map<string, DocumentNode>();
  private readonly validated = new WeakMap<DocumentNode, { schema: GraphQLSchema; errors: readonly GraphQLError[] }>();
  private readonly rules: readonly ValidationRule[];

  constructor(
    private readonly opts: { maxTokens: number; rules: readonly ValidationRule[]; hideSuggestions: boolean; capacity?: number },
  ) {
    this.rules = [...specifiedRules, ...opts.rules];
  }

  /** graphql-ws's `parse`: the document, or a GraphQLError with code GRAPHQL_PARSE_FAILED thrown. */
  parse = (query: string): DocumentNode => {
    const known = this.documents.get(query);
    if (known) {
      this.documents.delete(query);
      this.documents.set(query, known);
      return known;
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.opts.maxTokens });
    } catch (e) {
      if (e instanceof GraphQLError) throw coded(e, ErrorCode.GRAPHQL_PARSE_FAILED, false);
      throw e;
    }
    if (query.length <= CACHED_TEXT_MAX) {
      this.documents.set(query, document);
      if (this.documents.size > (this.opts.capacity ?? 200)) this.documents.delete(this.documents.keys().next().value!);
    }
    return document;
  };

  /** graphql-ws's `validate`: errors with code GRAPHQL_VALIDATION_FAILED. */
  validate = (schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] => {
    const known = this.validated.get(document);
    if (known?.schema === schema) return known.errors;
    const errors = validate(schema, document, this.rules).map((e) => coded(e, ErrorCode.GRAPHQL_VALIDATION_FAILED, this.opts.hideSuggestions));
    this.validated.set(document, { schema, errors });
    return errors;
  };

  /**
   * graphql-ws's `onSubscribe`: a document that does not parse is answered as an error of that
   * subscription (graphql-ws would close the socket on the throw); otherwise graphql-ws goes on
   * and finds the parsed document here.
   */
  onSubscribe = (_ctx: unknown, _id: string, payload: { query: string }): readonly GraphQLError[] | undefined => {
    try {
      this.parse(payload.query);
      return undefined;
    } catch (e) {
      if (e instanceof GraphQLError) return [e];
      throw e;
    }
  };
}
