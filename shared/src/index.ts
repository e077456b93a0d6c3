export * from './time.js';
export * from './format.js';
export * from './math.js';
export * from './protocol.js';
export * from './live.js';
export * from './schematic.js';
export * from './names.js';
export * from './maps.js';
