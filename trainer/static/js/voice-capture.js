/*
 * The microphone's samples, handed from the audio thread to static/js/voice.js, which encodes
 * them as a 16 kHz mono 16-bit WAV. Loaded with audioWorklet.addModule (a static file: the page's
 * Content-Security-Policy allows scripts from this site only). Samples are sent in batches so the
 * main thread is not woken 375 times a second.
 */
/* global AudioWorkletProcessor, registerProcessor */
"use strict";

var BATCH_FRAMES = 4096;

class TrainerCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.batch = new Float32Array(BATCH_FRAMES);
    this.filled = 0;
    this.port.onmessage = (evt) => {
      if (evt.data === "flush") {
        this.port.postMessage(this.batch.slice(0, this.filled));
        this.filled = 0;
        this.port.postMessage("flushed");
      }
    };
  }

  process(inputs) {
    var channel = inputs[0] && inputs[0][0];
    if (channel) {
      for (var i = 0; i < channel.length; i++) {
        this.batch[this.filled++] = channel[i];
        if (this.filled === BATCH_FRAMES) {
          this.port.postMessage(this.batch.slice(0));
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("trainer-capture", TrainerCapture);
