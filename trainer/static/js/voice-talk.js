/*
 * The play page's talk button, for static/js/voice.js:
 *
 *   var talk = new TrainerTalkButton(button, timeLeft, {maxSeconds, workletUrl, say, problem,
 *                                     onPress, onRecorded, onRefused});
 *
 * Held (a pointer, or Space or Enter held while it has focus), it records until let go. A short
 * press, a release while the browser still asks for the microphone, or a click alone (a screen
 * reader, switch access, voice control) starts a recording that the next press stops. The time
 * left shows beside it; at the page's limit the recording stops by itself. `onPress` runs as a
 * recording starts; `onRecorded({wav, talkMs, atLimit})` gets the WAV (static/js/voice-audio.js) and
 * returns a promise, the button being busy until it settles; `onRefused(err)` when the
 * microphone cannot be had. `say` and `problem` take the sentences to show and read out.
 */
(function () {
  "use strict";

  var HOLD_MS = 400; // a press shorter than this is a tap: the recording goes on until the next
  var CLICK_GUARD_MS = 700; // the click that follows a press already handled is not another press
  var SHORTEST_SECONDS = 0.3; // anything shorter is a slip of the finger, not an answer
  var WARN_SECONDS = 10; // "10 seconds left" is read out once
  var TICK_MS = 250;
  var LABELS = {
    idle: "Hold to talk",
    starting: "Opening the microphone…",
    held: "Recording… let go to stop",
    latched: "Recording… press again to stop",
    sending: "Transcribing…"
  };
  var LATCHED = "Recording. Press the button again when you have finished.";

  function TalkButton(button, timeLeft, options) {
    this.button = button;
    this.timeLeft = timeLeft;
    this.options = options;
    this.state = "idle"; // idle, starting, recording, sending
    this.recording = null; // {pressedAt, latched, recorder, timer, warned}
    this.lastPress = 0;
    this.lastRelease = 0;
    this.keyHeld = null;
    this.show("idle");
    this.wire();
  }

  TalkButton.prototype.show = function (name) {
    var on = name === "held" || name === "latched";
    this.button.textContent = LABELS[name];
    this.button.setAttribute("aria-pressed", on ? "true" : "false");
    this.button.setAttribute("aria-disabled", name === "sending" ? "true" : "false");
    if (this.options.onLook) {
      this.options.onLook(on);
    }
  };

  TalkButton.prototype.press = function () {
    this.lastPress = Date.now();
    if (this.state === "starting" || this.state === "recording") {
      if (this.recording && this.recording.latched) {
        this.stop();
      }
      return;
    }
    if (this.state === "idle") { // else still transcribing the last recording
      this.options.onPress();
      this.start();
    }
  };

  TalkButton.prototype.release = function () {
    this.lastRelease = Date.now();
    var mine = this.recording;
    if (!mine || mine.latched) {
      return;
    }
    if (this.state === "starting" || Date.now() - mine.pressedAt < HOLD_MS) {
      mine.latched = true;
      if (this.state === "recording") {
        this.show("latched");
        this.options.say(LATCHED);
      }
      return;
    }
    this.stop();
  };

  TalkButton.prototype.start = function () {
    var self = this;
    var mine = {pressedAt: Date.now(), latched: false, recorder: null, timer: null, warned: false};
    this.recording = mine;
    this.state = "starting";
    this.options.problem("");
    this.show("starting");
    window.TrainerVoiceAudio.open(this.options.workletUrl).then(function (recorder) {
      if (self.recording !== mine) {
        recorder.cancel(); // cancelled meanwhile (switched to typing)
        return;
      }
      mine.recorder = recorder;
      self.state = "recording";
      self.show(mine.latched ? "latched" : "held");
      self.options.say(mine.latched ? LATCHED :
        "Recording: speak now, and let go when you have finished.");
      self.tick();
      mine.timer = window.setInterval(function () {
        self.tick();
      }, TICK_MS);
    }, function (err) {
      if (self.recording === mine) {
        self.recording = null;
        self.idle();
        self.options.onRefused(err);
      }
    });
  };

  TalkButton.prototype.tick = function () {
    var mine = this.recording;
    var max = this.options.maxSeconds;
    var left = Math.max(0, Math.ceil(max - mine.recorder.seconds()));
    this.timeLeft.textContent = left + " s left";
    this.timeLeft.hidden = false;
    if (left <= WARN_SECONDS && !mine.warned) {
      mine.warned = true;
      this.options.say(left + " seconds left.");
    }
    if (left === 0) {
      mine.atLimit = true;
      this.stop();
    }
  };

  TalkButton.prototype.end = function () {
    var mine = this.recording;
    this.recording = null;
    window.clearInterval(mine.timer);
    this.timeLeft.hidden = true;
    return mine;
  };

  TalkButton.prototype.idle = function () {
    this.state = "idle";
    this.show("idle");
  };

  TalkButton.prototype.stop = function () {
    var self = this;
    if (this.state !== "recording") {
      return;
    }
    var mine = this.end();
    this.state = "sending";
    this.show("sending");
    if (mine.recorder.seconds() < SHORTEST_SECONDS) {
      mine.recorder.cancel();
      this.idle();
      this.options.problem("That was too short to hear. Hold the button for as long as you speak.");
      return;
    }
    mine.recorder.stop(this.options.maxSeconds).then(function (result) {
      result.atLimit = !!mine.atLimit;
      return self.options.onRecorded(result);
    }, function () {
      self.options.problem("The recording could not be read. Try again, or type your answer.");
    }).then(function () {
      self.idle();
    });
  };

  /* Drops a recording under way (typing chosen meanwhile); a transcription already sent goes on. */
  TalkButton.prototype.cancel = function () {
    if (!this.recording) {
      return;
    }
    var mine = this.end();
    if (mine.recorder) {
      mine.recorder.cancel();
    }
    this.idle();
  };

  TalkButton.prototype.wire = function () {
    var self = this;
    var button = this.button;
    button.addEventListener("pointerdown", function (evt) {
      if (evt.button === 0) {
        button.setPointerCapture(evt.pointerId);
        self.press();
      }
    });
    button.addEventListener("pointerup", function () {
      self.release();
    });
    button.addEventListener("pointercancel", function () {
      self.release();
    });
    button.addEventListener("contextmenu", function (evt) {
      evt.preventDefault(); // a long touch is a hold, not a menu
    });
    button.addEventListener("keydown", function (evt) {
      if ((evt.key === " " || evt.key === "Enter") && !evt.altKey && !evt.ctrlKey && !evt.metaKey) {
        evt.preventDefault();
        if (!evt.repeat && self.keyHeld === null) {
          self.keyHeld = evt.key;
          self.press();
        }
      }
    });
    button.addEventListener("keyup", function (evt) {
      if (evt.key === self.keyHeld) {
        evt.preventDefault();
        self.keyHeld = null;
        self.release();
      }
    });
    button.addEventListener("blur", function () {
      if (self.keyHeld !== null) {
        self.keyHeld = null;
        self.release();
      }
    });
    button.addEventListener("click", function () {
      var now = Date.now();
      if (now - self.lastPress < CLICK_GUARD_MS || now - self.lastRelease < CLICK_GUARD_MS) {
        return; // the pointer or key press above has handled it
      }
      if (self.state === "idle") { // a click alone: start, and the next click stops
        self.press();
        if (self.recording) {
          self.recording.latched = true;
        }
      } else if (self.state === "recording") {
        self.stop();
      }
    });
  };

  window.TrainerTalkButton = TalkButton;
})();
