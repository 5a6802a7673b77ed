/*
 * The microphone, recorded as the WAV the server's speech-to-text takes: 16 kHz, mono, 16-bit PCM
 * (the server has no decoder for the browser's own formats, so no MediaRecorder).
 *
 *   TrainerVoiceAudio.open(workletUrl)       -> Promise of a recorder (asks for the microphone)
 *   recorder.seconds()                        -> how long it has recorded
 *   recorder.stop(maxSeconds)                 -> Promise of {wav: Blob, talkMs: number}, cut
 *                                                at maxSeconds
 *   recorder.cancel()                         -> drops what was recorded
 *
 * Samples come from an AudioWorklet (static/js/voice-capture.js), or a ScriptProcessor where a
 * browser has no worklets, at the audio device's own rate; they are low-passed and decimated to
 * 16 kHz by averaging each output sample's window, which is enough for speech.
 */
(function () {
  "use strict";

  var TARGET_RATE = 16000;
  var BITS = 16;
  var PROCESSOR_FRAMES = 4096;
  var FLUSH_WAIT_MS = 500; // the worklet's last batch; never wait longer than this for it
  var CONSTRAINTS = {audio: {channelCount: 1, echoCancellation: true, noiseSuppression: true,
                             autoGainControl: true}};

  function isSupported() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
              (window.AudioContext || window.webkitAudioContext));
  }

  function open(workletUrl) {
    return navigator.mediaDevices.getUserMedia(CONSTRAINTS).then(function (stream) {
      var Context = window.AudioContext || window.webkitAudioContext;
      var context = new Context();
      var recorder = new Recorder(stream, context);
      return recorder.connect(workletUrl).then(function () {
        return recorder;
      }, function (err) {
        recorder.cancel();
        throw err;
      });
    });
  }

  function Recorder(stream, context) {
    this.stream = stream;
    this.context = context;
    this.chunks = [];
    this.frames = 0;
    this.node = null;
    this.onFlushed = null;
  }

  Recorder.prototype.take = function (samples) {
    if (samples instanceof Float32Array && samples.length) {
      this.chunks.push(samples);
      this.frames += samples.length;
    }
  };

  Recorder.prototype.connect = function (workletUrl) {
    var self = this;
    var ctx = this.context;
    var source = ctx.createMediaStreamSource(this.stream);
    var silent = ctx.createGain(); // keeps the graph pulling samples without playing them back
    silent.gain.value = 0;
    silent.connect(ctx.destination);
    this.source = source;
    var ready;
    if (ctx.audioWorklet && window.AudioWorkletNode && workletUrl) {
      ready = ctx.audioWorklet.addModule(workletUrl).then(function () {
        var node = new window.AudioWorkletNode(ctx, "trainer-capture");
        node.port.onmessage = function (evt) {
          if (evt.data === "flushed") {
            if (self.onFlushed) {
              self.onFlushed();
            }
          } else {
            self.take(evt.data);
          }
        };
        self.node = node;
        source.connect(node);
        node.connect(silent);
      });
    } else {
      var processor = ctx.createScriptProcessor(PROCESSOR_FRAMES, 1, 1);
      processor.onaudioprocess = function (evt) {
        self.take(new Float32Array(evt.inputBuffer.getChannelData(0)));
      };
      source.connect(processor);
      processor.connect(silent);
      this.processor = processor;
      ready = Promise.resolve();
    }
    return ready.then(function () {
      return ctx.resume();
    });
  };

  Recorder.prototype.seconds = function () {
    return this.frames / this.context.sampleRate;
  };

  Recorder.prototype.flush = function () {
    var self = this;
    if (!this.node) {
      return Promise.resolve();
    }
    return new Promise(function (resolve) {
      self.onFlushed = resolve;
      self.node.port.postMessage("flush");
      window.setTimeout(resolve, FLUSH_WAIT_MS);
    });
  };

  Recorder.prototype.stop = function (maxSeconds) {
    var self = this;
    return this.flush().then(function () {
      var rate = self.context.sampleRate;
      var samples = downsample(self.chunks, self.frames, rate);
      if (maxSeconds && samples.length > maxSeconds * TARGET_RATE) {
        samples = samples.subarray(0, maxSeconds * TARGET_RATE); // the server refuses longer
      }
      self.cancel();
      return {wav: encodeWav(samples), talkMs: Math.round(1000 * samples.length / TARGET_RATE)};
    });
  };

  Recorder.prototype.cancel = function () {
    this.stream.getTracks().forEach(function (track) {
      track.stop();
    });
    if (this.context.state !== "closed") {
      this.context.close();
    }
  };

  function downsample(chunks, frames, rate) {
    var all = new Float32Array(frames);
    var at = 0;
    chunks.forEach(function (chunk) {
      all.set(chunk, at);
      at += chunk.length;
    });
    if (rate === TARGET_RATE) {
      return all;
    }
    var ratio = rate / TARGET_RATE;
    var out = new Float32Array(Math.floor(frames / ratio));
    for (var i = 0; i < out.length; i++) {
      var from = Math.floor(i * ratio);
      var to = Math.min(frames, Math.max(from + 1, Math.floor((i + 1) * ratio)));
      var sum = 0;
      for (var j = from; j < to; j++) {
        sum += all[j];
      }
      out[i] = sum / (to - from);
    }
    return out;
  }

  function encodeWav(samples) {
    var bytesPerSample = BITS / 8;
    var buffer = new ArrayBuffer(44 + samples.length * bytesPerSample);
    var view = new DataView(buffer);
    function text(offset, value) {
      for (var i = 0; i < value.length; i++) {
        view.setUint8(offset + i, value.charCodeAt(i));
      }
    }
    text(0, "RIFF");
    view.setUint32(4, 36 + samples.length * bytesPerSample, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true); // the fmt chunk's size
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, TARGET_RATE, true);
    view.setUint32(28, TARGET_RATE * bytesPerSample, true); // bytes a second
    view.setUint16(32, bytesPerSample, true); // bytes a frame
    view.setUint16(34, BITS, true);
    text(36, "data");
    view.setUint32(40, samples.length * bytesPerSample, true);
    for (var i = 0; i < samples.length; i++) {
      var s = Math.max(-1, Math.min(1, samples[i]));
      view.setInt16(44 + i * bytesPerSample, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
    return new Blob([buffer], {type: "audio/wav"});
  }

  window.TrainerVoiceAudio = {isSupported: isSupported, open: open, encodeWav: encodeWav,
                              downsample: downsample, TARGET_RATE: TARGET_RATE};
})();
