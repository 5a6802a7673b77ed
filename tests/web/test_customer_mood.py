"""The play page says why the customer's mood moved, in the customer's words."""

from __future__ import annotations

from .test_play import answer, people, start  # noqa: F401 - people is a fixture


def test_the_play_page_explains_each_mood_change(client, auth, people):  # noqa: F811
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    answer(client, url, "That's not my department. You'll have to ring someone else.")
    page = client.get(url).get_data(as_text=True)
    assert 'class="mood mood-angry"' in page
    assert '<small id="mood-reason">(angrier: you passed me somewhere else)</small>' in page
    answer(client, url, "I'm so sorry - you were charged twice and nobody answered your emails. "
                        "I'll refund it today and call you back by 4pm.")
    page = client.get(url).get_data(as_text=True)
    assert '<small id="mood-reason">(calmer:' in page
    assert page.count("angrier: you passed me somewhere else") == 1  # the earlier turn's tag
