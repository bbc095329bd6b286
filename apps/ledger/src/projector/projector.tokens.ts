/**
 * The `InteractionProjectionDefinition` this build runs: the projector fills and follows with it, replay and
 * point-in-time queries fold with the same extensions so they agree with the read model.
 */
export const INTERACTION_PROJECTION_DEFINITION = Symbol('INTERACTION_PROJECTION_DEFINITION');
