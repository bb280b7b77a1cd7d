export const TOKEN_SETTINGS = Symbol('TOKEN_SETTINGS');
