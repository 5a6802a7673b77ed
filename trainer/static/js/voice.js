/*
 * Voice mode on the play page (templates/trainee/_voice.html): speak the answer, hear the customer.
 *
 * Progressive enhancement: without script, or with typing chosen, the page is the text page it
 * always was. With script, "Answer by: typing / speaking" is offered, remembered in this
 * browser's localStorage; a conversation can switch at any time. Speaking:
 *   - the talk button (static/js/voice-talk.js) records a 16 kHz WAV (static/js/voice-audio.js),
 *     which is posted to the transcribe URL (services/voice.py);
 *   - the words heard join the answer box, to be corrected and sent with the usual button, or sent
 *     straight away when "Send as soon as it is heard" is ticked; the form's hidden spoken_token
 *     carries the server's token that marks the answer as spoken;
 *   - each customer line is read aloud as it arrives (static/js/voice-speech.js) and shown as text.
 * Every failure says what happened in the panel's role="alert" and leaves the answer box to type
 * in; changes of state are read out by its role="status". static/js/play.js keeps the response
 * clock, which the talk button starts ("trainer:answering").
 */
(function () {
  "use strict";

  var STORE_KEY = "trainer.answer-mode";
  var panel = document.getElementById("voice");
  if (!panel || !document.getElementById("reply-form")) {
    return;
  }
  var audio = window.TrainerVoiceAudio;
  var settings = {
    stt: panel.getAttribute("data-stt") === "yes",
    maxSeconds: parseInt(panel.getAttribute("data-max-seconds"), 10) || 60,
    transcribeUrl: panel.getAttribute("data-transcribe-url")
  };
  var el = {
    modes: panel.querySelectorAll("input[name=answer_mode]"),
    voiceChoice: panel.querySelector("input[name=answer_mode][value=voice]"),
    missing: document.getElementById("voice-missing"),
    controls: document.getElementById("voice-controls"),
    sendAsHeard: document.getElementById("send-as-heard"),
    again: document.getElementById("say-again"),
    status: document.getElementById("voice-status"),
    problem: document.getElementById("voice-problem")
  };
  var mode = "text";
  var customer = new window.TrainerCustomerVoice({
    tts: panel.getAttribute("data-tts"), voice: panel.getAttribute("data-voice"),
    speechUrl: panel.getAttribute("data-speech-url"), say: say
  });
  var spokenUpTo = latestCustomerTurn();
  var talk = null; // the talk button, once voice is possible here

  function say(text) {
    el.status.textContent = text;
  }

  function problem(text) {
    el.problem.textContent = text;
    el.problem.hidden = !text;
  }

  // --- the form -----------------------------------------------------------------------------

  function form() {
    return document.getElementById("reply-form");
  }

  function box() {
    return document.querySelector("#reply-form textarea");
  }

  function setField(name, value) {
    var field = form().querySelector("input[name=" + name + "]");
    if (field) {
      field.value = value;
    }
  }

  function csrfToken() {
    var field = form().querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // --- typing or speaking ---------------------------------------------------------------------

  function storedMode() {
    try {
      return window.localStorage.getItem(STORE_KEY) === "voice" ? "voice" : "text";
    } catch (err) {
      return "text";
    }
  }

  function storeMode(value) {
    try {
      window.localStorage.setItem(STORE_KEY, value);
    } catch (err) {
      // storage refused (a private window's settings): the choice holds for this page only
    }
  }

  function setMode(value, announce) {
    mode = value === "voice" && talk ? "voice" : "text";
    Array.prototype.forEach.call(el.modes, function (radio) {
      radio.checked = radio.value === mode;
    });
    el.controls.hidden = mode !== "voice";
    if (mode === "text" && talk) {
      talk.cancel();
      customer.stop();
    }
    if (announce) {
      say(mode === "voice"
        ? "Speaking: hold the talk button while you answer. The customer's lines are read aloud."
        : "Typing: write your answer in the box.");
    }
  }

  // --- the customer's voice -------------------------------------------------------------------

  function customerBubbles() {
    return document.querySelectorAll("#chat .bubble.customer[data-turn]");
  }

  function latestCustomerTurn() {
    var bubbles = customerBubbles();
    return bubbles.length ? parseInt(bubbles[bubbles.length - 1].getAttribute("data-turn"), 10) : -1;
  }

  function speakLatest() {
    var bubbles = customerBubbles();
    if (bubbles.length) {
      spokenUpTo = latestCustomerTurn();
      customer.speak(bubbles[bubbles.length - 1]);
    }
  }

  // --- the microphone and the words heard -----------------------------------------------------

  function refused(err) {
    var name = err && err.name;
    var why;
    if (name === "NotAllowedError" || name === "SecurityError") {
      why = "The microphone is blocked for this page, so your answer cannot be heard. Allow the " +
        "microphone in the browser's site settings to speak, or type your answer.";
    } else if (name === "NotFoundError" || name === "OverconstrainedError") {
      why = "No microphone was found. Connect one to speak, or type your answer.";
    } else {
      why = "The microphone could not be used (" + ((err && err.message) || name || "no reason given") +
        "). Type your answer instead.";
    }
    problem(why + " Typing is on.");
    storeMode("text");
    setMode("text", false);
    box().focus();
  }

  function transcribe(result) {
    say((result.atLimit ? "The recording stopped at its limit of " + settings.maxSeconds +
      " seconds. " : "") + "Transcribing what you said…");
    var data = new FormData();
    data.append("audio", result.wav, "answer.wav");
    return window.fetch(settings.transcribeUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (body) {
        if (response.ok && typeof body.text === "string") {
          heard(body);
        } else {
          say("");
          problem((body && body.error) || "What you said could not be transcribed (error " +
            response.status + "). Type your answer instead.");
        }
      });
    }).catch(function () {
      say("");
      problem("The recording could not be sent: the connection may be down. Type your answer instead.");
    });
  }

  function heard(body) {
    var text = body.text.trim();
    if (!text) {
      say("");
      problem("Nothing was heard in the recording. Try again nearer the microphone, or type your answer.");
      return;
    }
    var answer = box();
    // Nothing is lost: what was typed or heard before stays, and the new words follow it.
    answer.value = answer.value.trim() ? answer.value.replace(/\s+$/, "") + " " + text : text;
    // Each recording of this answer keeps its token: the answer is marked spoken with all of
    // them (their words, their talk time, one recording made of them all).
    var tokens = form().querySelector("input[name=spoken_token]").value.trim();
    setField("spoken_token", body.token ? (tokens ? tokens + " " : "") + body.token : tokens);
    if (el.sendAsHeard.checked) {
      say("Heard: " + text + ". Sending it.");
      var send = document.getElementById("send-reply");
      if (form().requestSubmit) {
        form().requestSubmit(send);
      } else {
        send.click();
      }
      return;
    }
    say("Heard: " + text + ". Correct it in the box if need be, then send your reply.");
    answer.focus();
    answer.setSelectionRange(answer.value.length, answer.value.length);
  }

  // --- wiring ---------------------------------------------------------------------------------

  function wire() {
    Array.prototype.forEach.call(el.modes, function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked) {
          problem("");
          storeMode(radio.value);
          setMode(radio.value, true);
          if (mode === "voice") {
            speakLatest(); // what the customer last said, in the voice the next lines will have
          }
        }
      });
    });
    el.again.addEventListener("click", speakLatest);
    document.addEventListener("input", function (evt) {
      if (evt.target === box() && !box().value.trim()) {
        setField("spoken_token", ""); // the spoken words were all deleted: a typed answer now
      }
    });
    document.addEventListener("htmx:afterRequest", function (evt) {
      var config = evt.detail && evt.detail.requestConfig;
      if (config && config.elt && config.elt.id === "reply-form" && mode === "voice" &&
          latestCustomerTurn() > spokenUpTo) {
        speakLatest(); // the customer's reply has just joined the conversation
      }
    });
  }

  function init() {
    panel.hidden = false;
    if (settings.stt && audio && audio.isSupported()) {
      talk = new window.TrainerTalkButton(
        document.getElementById("talk-button"), document.getElementById("talk-time"), {
          maxSeconds: settings.maxSeconds, workletUrl: panel.getAttribute("data-worklet-url"),
          say: say, problem: problem, onRecorded: transcribe, onRefused: refused,
          onPress: function () {
            form().dispatchEvent(new CustomEvent("trainer:answering", {bubbles: true}));
            customer.stop();
          },
          onLook: function (recording) {
            panel.classList.toggle("is-recording", recording);
          }
        });
    } else {
      el.voiceChoice.disabled = true;
      el.voiceChoice.setAttribute("aria-describedby", "voice-missing");
      el.missing.hidden = false;
      if (settings.stt) {
        el.missing.textContent = "Speaking needs a browser that can record here, over a secure " +
          "(https) connection; this one cannot.";
      }
    }
    wire();
    setMode(storedMode(), false);
    if (mode === "voice") {
      speakLatest();
    }
  }

  init();
})();
