"""The analysed sentence (stance.sentence): mentions found once, roles computed once per target."""

from __future__ import annotations

from stance import actors
from stance.sentence import AnalysedSentence


def test_build_finds_mentions_once_with_the_date(monkeypatch):
    calls = []
    find = actors.Gazetteer.find

    def counting(self, text, as_of=None):
        calls.append(as_of)
        return find(self, text, as_of)

    monkeypatch.setattr(actors.Gazetteer, "find", counting)
    s = AnalysedSentence.build("Borrell criticised Russia.", as_of="2019-05-01")
    assert [m.code for m in s.mentions] == ["ESP", "RUS"]
    assert len(calls) == 1 and str(calls[0]) == "2019-05-01"
    s.roles("RUS")
    s.held("RUS")
    assert len(calls) == 1


def test_roles_are_computed_once_per_target(monkeypatch):
    from stance import sentence

    s = AnalysedSentence.build("China suspends flights from Italy and Spain.")
    calls = []
    rules = sentence.mention_rules

    def counting(*args, **kwargs):
        calls.append(args[2])
        return rules(*args, **kwargs)

    monkeypatch.setattr(sentence, "mention_rules", counting)
    assert [sorted(r) for r in s.roles("CHN")] == [[], ["patient"], ["patient"]]
    assert s.roles("CHN") == s.roles("CHN")
    s.roles("ITA")
    assert calls == ["CHN", "ITA"]
    assert s.codes() == ["CHN", "ITA", "ESP"] and s.codes(("CHN",)) == ["CHN"]


def test_a_users_gazetteer():
    gazetteer = actors.load_gazetteer({"Hermit Kingdom": "PRK"})
    s = AnalysedSentence.build("The Hermit Kingdom warned China.", gazetteer=gazetteer)
    assert s.codes() == ["PRK", "CHN"]
