/*
 * The customer's voice on the play page, for static/js/voice.js:
 *
 *   var customer = new TrainerCustomerVoice({tts, voice, speechUrl, say});
 *   customer.speak(bubble)    reads a conversation bubble's line (its .says) aloud
 *   customer.stop()           stops whatever is being said
 *
 * With tts "server", the line's audio comes from the speech URL (services/voice.py; "{index}" is
 * the turn's place); a failure there (404 without a speech service, 503 when it fails) falls back
 * to the browser's speech synthesis, in the voice whose name contains the page's voice, else any
 * voice of the page's language. `say` gets a sentence when the line cannot be read aloud.
 */
(function () {
  "use strict";

  var INDEX = "{index}";

  function CustomerVoice(options) {
    this.tts = options.tts;
    this.voice = (options.voice || "").toLowerCase();
    this.speechUrl = options.speechUrl || "";
    this.say = options.say;
    this.player = null;
  }

  CustomerVoice.prototype.stop = function () {
    if (this.player) {
      this.player.pause();
      this.player = null;
    }
    if (window.speechSynthesis) {
      window.speechSynthesis.cancel();
    }
  };

  CustomerVoice.prototype.speak = function (bubble) {
    this.stop();
    if (this.tts === "server" && this.speechUrl) {
      this.fromServer(bubble);
    } else {
      this.inBrowser(lineOf(bubble));
    }
  };

  CustomerVoice.prototype.fromServer = function (bubble) {
    var self = this;
    var clip = new Audio(this.speechUrl.replace(INDEX, bubble.getAttribute("data-turn")));
    var fellBack = false;
    function fallBack() {
      if (!fellBack && self.player === clip) {
        fellBack = true;
        self.player = null;
        self.inBrowser(lineOf(bubble));
      }
    }
    this.player = clip;
    clip.addEventListener("error", fallBack);
    var playing = clip.play();
    if (playing && playing.catch) {
      playing.catch(fallBack);
    }
  };

  CustomerVoice.prototype.inBrowser = function (text) {
    var self = this;
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) {
      this.say("This browser cannot read the customer's lines aloud: read them in the conversation.");
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = pageLanguage();
    var chosen = this.browserVoice();
    if (chosen) {
      utterance.voice = chosen;
    }
    utterance.addEventListener("error", function (evt) {
      if (evt.error === "not-allowed") {
        self.say("The browser did not let the page speak yet. Press “Hear the customer again” to hear the line.");
      }
    });
    window.speechSynthesis.speak(utterance);
  };

  CustomerVoice.prototype.browserVoice = function () {
    var wanted = this.voice;
    var lang = pageLanguage().toLowerCase();
    var voices = window.speechSynthesis.getVoices() || [];
    var byName = voices.filter(function (v) {
      return wanted && v.name.toLowerCase().indexOf(wanted) !== -1;
    });
    var byLang = voices.filter(function (v) {
      return v.lang.toLowerCase().indexOf(lang) === 0;
    });
    return byName[0] || byLang[0] || null;
  };

  function pageLanguage() {
    return document.documentElement.lang || "en";
  }

  function lineOf(bubble) {
    var says = bubble.querySelector(".says");
    return (says || bubble).textContent.replace(/\s+/g, " ").trim();
  }

  window.TrainerCustomerVoice = CustomerVoice;
})();
