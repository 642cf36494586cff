import { askWebgl } from './renderer.ts';

// Runs off the main thread: see probeWebgl.
postMessage(askWebgl((options) => new OffscreenCanvas(1, 1).getContext('webgl', options)));
