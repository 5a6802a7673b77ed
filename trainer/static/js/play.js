/*
 * The play page with script (templates/trainee/play.html, web/play_fragments.py).
 *
 * htmx posts each answer (hx-post on form#reply-form) and appends only the new turns to the
 * conversation's role="log", so a screen reader reads out just them; the mood changes inside the
 * role="status" region; the answer box comes back empty, or with the reason and what was typed.
 * This file adds what attributes cannot say, with no inline script (the page's CSP holds):
 *   - a refused answer (409: the conversation moved on; 422: an empty or too long answer) is
 *     swapped in like a taken one, so its reason shows beside the box;
 *   - focus goes back into the answer box after each answer, ready for the next one;
 *   - any other failure (a lost connection, a server error) falls back to the plain form post,
 *     which the turn number on the form makes safe to repeat;
 *   - the response time: the form's hidden response_ms gets the milliseconds from the newest
 *     customer line being shown to the trainee starting to answer (the first keystroke in the
 *     box, or the "trainer:answering" event static/js/voice.js sends when the talk button is
 *     pressed); it and spoken_token are emptied once an answer is taken.
 */
(function () {
  "use strict";

  var REFUSED = [409, 422];
  var ANSWER_FIELDS = ["response_ms", "spoken_token"]; // one answer's; emptied once it is taken
  var shownAt = window.performance.now(); // when the newest customer line was shown

  function replyField(name) {
    return document.querySelector("#reply-form input[name=" + name + "]");
  }

  function startedAnswering() {
    var field = replyField("response_ms");
    if (field && !field.value) {
      field.value = String(Math.max(0, Math.round(window.performance.now() - shownAt)));
    }
  }

  function answerTaken() {
    ANSWER_FIELDS.forEach(function (name) {
      var field = replyField(name);
      if (field) {
        field.value = "";
      }
    });
    shownAt = window.performance.now(); // the customer's reply has just been shown
  }

  document.addEventListener("input", function (evt) {
    if (evt.target && evt.target.matches && evt.target.matches("#reply-form textarea")) {
      startedAnswering();
    }
  });
  document.addEventListener("trainer:answering", startedAnswering);

  function fromReplyForm(evt) {
    var config = evt.detail && evt.detail.requestConfig;
    return !!(config && config.elt && config.elt.id === "reply-form");
  }

  function answerBox() {
    return document.querySelector("#reply-form textarea");
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (fromReplyForm(evt) && REFUSED.indexOf(evt.detail.xhr.status) !== -1) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    if (!fromReplyForm(evt)) {
      return;
    }
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    if (evt.detail.xhr && evt.detail.xhr.getResponseHeader("HX-Redirect")) {
      return; // the conversation ended: htmx loads the scorecard
    }
    if (status === 200) {
      answerTaken();
    }
    if (status === 200 || REFUSED.indexOf(status) !== -1) {
      var box = answerBox();
      if (box) {
        box.focus();
      }
      return;
    }
    // Anything else: post the form the plain way (no htmx, no script needed from here on).
    var form = document.getElementById("reply-form");
    if (form) {
      HTMLFormElement.prototype.submit.call(form);
    }
  });
})();
