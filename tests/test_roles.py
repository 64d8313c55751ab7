"""Roles of actor mentions (stance.roles): rules kept as data, predicates, user rules."""

from __future__ import annotations

import pytest

from stance.actors import find_actors
from stance.attribution import candidate_rows
from stance.roles import load_role_rules, mention_roles, word_class, word_pattern

HEADER = "\t".join(["rule", "role", "mentions", "kind", "via", "possessive", "left", "window",
                    "right", "predicate", "when", "effect", "example"]) + "\n"


def roles_of(text: str, target: str) -> dict[str, set[str]]:
    """Code -> the roles of all its mentions (union)."""
    mentions = find_actors(text)
    out: dict[str, set[str]] = {}
    for m, held in zip(mentions, mention_roles(text, mentions, target)):
        out.setdefault(m.code, set()).update(held)
    return out


@pytest.mark.parametrize(("text", "target", "code", "role"), [
    # the target acts on others, or speaks of them: they are its patients (rules 1 and 6)
    ("China suspends flights from Italy, Spain and Greece.", "CHN", "ESP", "patient"),
    ("Russia's FSB says it has thwarted two armed Ukrainian incursions into Crimea.", "RUS", "UKR",
     "patient"),
    ("Russian President Vladimir Putin signs a law – voted by the State Duma on 22 May – with "
     "countermeasures against the United States.", "RUS", "USA", "patient"),
    ("Russia's human rights commissioner states that civilians who were relocated by Ukraine "
     "have returned.", "RUS", "UKR", "patient"),
    # receiving the target's protest or gift
    ("The Indian government says it has received a formal protest from China.", "CHN", "IND",
     "recipient"),
    # nationals and private people
    ("Australian police arrest a Chinese national in Sydney.", "CHN", "CHN", "nationality"),
    ("Japanese importers bought Chinese soybeans.", "CHN", "JPN", "nationality"),
    # reports of fact
    ("A report by the Swedish defence research agency says Russia doubled its spending.", "RUS",
     "SWE", "reporter"),
    ("The U.S. Agriculture Department forecast the Soviet cotton crop at 2.5 mln tonnes.", "RUS",
     "USA", "reporter"),
    # sport and contests
    ("Canada beat Russia in the ice hockey final.", "RUS", "CAN", "competitor"),
    # coordinated actors that undergo one event, or act together on a third party
    ("Taiwan and China brace for the impact of the typhoon.", "CHN", "TWN", "co_agent"),
    ("France, Russia, China and Germany decide to refer Iran to the Security Council.", "RUS",
     "FRA", "co_agent"),
    # ... and coordinated actors that act with each other
    ("China and the Association of Southeast Asian Nations sign a trade agreement.", "CHN",
     "ASEAN", "partner"),
    ("The foreign ministers of China, India and Russia meet in New Delhi.", "RUS", "IND",
     "partner"),
    # both named after a third actor that acts on them
    ("Dominica switches recognition from the Republic of China to the People's Republic of "
     "China.", "CHN", "TWN", "co_object"),
    # goods and places
    ("There were 106,200 tonnes of U.S. corn shipped to the Soviet Union.", "RUS", "USA", "origin"),
    ("ISIL recaptures the Syrian city of Palmyra despite Russian airstrikes.", "RUS", "SYR",
     "location"),
    ("Modi meets Xi at the BRICS summit in Kazan, Russia.", "RUS", "RUS", "venue"),
    # a digest's topic label
    ("Foreign relations of Taiwan: Dominica switches recognition to Beijing.", "CHN", "TWN",
     "label"),
    ("The former Soviet republic of Georgia joined the talks.", "RUS", "RUS", "former"),
    # reports of figures, comparisons, contests, state companies (general news)
    ("Chinese wine sales grew 25% in 2003, the US Agriculture Department said.", "CHN", "USA",
     "reporter"),
    ("Corn was shipped to the Soviet Union, according to the U.S. Agriculture Department's latest "
     "Export Sales report.", "RUS", "USA", "reporter"),
    ("The Chinese net-using population looks set to exceed that of the US.", "CHN", "USA",
     "compared"),
    ("Holmes ran a perfect race to finish clear of France's Dehiba and Russia's Cherkasova.", "RUS",
     "FRA", "competitor"),
    ("The Republic of Ireland have arranged friendlies against China and Italy.", "CHN", "IRL",
     "competitor"),
    ("Italian state-owned bank Banca Commerciale will sign a pact with Soviet banks.", "RUS", "ITA",
     "nationality"),
    ("U.S. 47.6538/7492 STG 77.1971/3517 (Hungarian National Bank rates, Soviet rouble)", "RUS",
     "USA", "origin"),
])
def test_roles(text, target, code, role):
    assert role in roles_of(text, target)[code]


@pytest.mark.parametrize(("text", "target", "code"), [
    # the holder acts: no role that rules it out
    ("Japan and Britain condemned Russia.", "RUS", "GBR"),
    ("Russia was condemned by Japan.", "RUS", "JPN"),
    ("Xi Jinping met Japan's prime minister in Beijing.", "CHN", "JPN"),
    ("China signs a trade deal with Italy.", "CHN", "ITA"),
    ("Russia struck Kyiv, Ukraine said.", "RUS", "UKR"),
    ("Russian troops enter Sudzha, ending seven months of Ukrainian occupation.", "RUS", "UKR"),
    ("Turkey receives the S-400 systems it bought from Russia.", "RUS", "TUR"),
    ("Bush calls for action despite Russian opposition.", "RUS", "USA"),
    ("Ankara did not join the EU and US sanctions on Moscow.", "RUS", "EU"),
    ("Serbia resisted pressure from Brussels to sanction Russia.", "RUS", "EU"),
    ("Iranian-born Australian politician Sam Dastyari backed China's position.", "CHN", "AUS"),
    ("Leaders gathered in Beijing, and Japan criticised China.", "CHN", "JPN"),
    ("Honduras opens its first embassy in Beijing, China.", "CHN", "HND"),
    # a figure in a sentence with an act is no report of fact
    ("Ukraine says Russia fired 40 missiles at Kyiv.", "RUS", "UKR"),
])
def test_the_actor_stays_a_candidate(text, target, code):
    assert code in [r["candidate"] for r in candidate_rows(text, target)]


def test_one_noun_phrase_is_one_mention():
    # "Russian President Vladimir Putin": the demonym and the leader share their roles
    text = "The summit ended with Russian President Vladimir Putin and Chinese President Xi Jinping."
    mentions = find_actors(text)
    roles = mention_roles(text, mentions, "CHN")
    russian = [r for m, r in zip(mentions, roles) if m.code == "RUS"]
    assert len(russian) == 2 and russian[0] == russian[1]


def test_word_classes_are_data():
    assert "says" in word_class("saying")
    assert {"we", "my country"} <= set(word_class("first_person"))
    with pytest.raises(KeyError, match="no word class"):
        word_class("nonsense_class")
    assert word_pattern("modal").startswith("(?i:")


def test_user_rules_and_word_classes(tmp_path):
    classes = tmp_path / "classes.tsv"
    classes.write_text("class\tword\tnote\nsecret_word\tbanana\tours\n", encoding="utf-8")
    rules = tmp_path / "rules.tsv"
    header = HEADER
    rules.write_text(header + "fruit\tfruit_seller\tany\tany\tany\tany\t\t\t\\s+{secret_word}\\b\t\t"
                     "predict\tcandidate\tJapan banana\n", encoding="utf-8")
    loaded = load_role_rules(rules, classes)
    text = "Japan banana traders criticised China."
    mentions = find_actors(text)
    assert "fruit_seller" in mention_roles(text, mentions, "CHN", rules=loaded)[0]
    assert "fruit_seller" not in mention_roles(text, mentions, "CHN")[0]


@pytest.mark.parametrize(("row", "problem"), [
    ("bad\tx\tsome\tany\tany\tany\t\t\t\t\tpredict\tcandidate\te", "mentions must be one of"),
    ("bad\tx\tany\tany\tany\tany\t\t\t\t\tsometimes\tcandidate\te", "when must be one of"),
    ("bad\tx\tany\tany\tany\tany\t\t\t\t\tpredict\tvanish\te", "effect must be some of"),
    ("bad\tx\tany\tany\tany\tany\t\t\t\tno_such_predicate\tpredict\tcandidate\te", "unknown predicate"),
    ("bad\tx\tany\tany\tany\tany\t{nowhere}\t\t\t\tpredict\tcandidate\te", "unknown word class"),
    ("bad\tx\tany\tany\tany\tany\t(unclosed\t\t\t\tpredict\tcandidate\te", "bad pattern"),
    ("bad\tx\tany\tany\tany\tany\t\tten\t\t\tpredict\tcandidate\te", "window must be a number"),
])
def test_bad_user_rules_name_file_line_and_problem(tmp_path, row, problem):
    path = tmp_path / "rules.tsv"
    header = HEADER
    path.write_text(header + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"rules\.tsv, line 2: .*{problem}"):
        load_role_rules(path)
