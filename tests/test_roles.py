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
    ("Russia's defence ministry reports that it stopped a Ukrainian raid near Bryansk.", "RUS", "UKR",
     "patient"),
    ("Russian President Vladimir Putin approves a decree – drafted by the State Duma last month – "
     "with penalties against the United States.", "RUS", "USA", "patient"),
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
    ("The U.S. Commerce Department projected Soviet steel output at 150 mln tonnes.", "RUS",
     "USA", "reporter"),
    # sport and contests
    ("Canada beat Russia in the ice hockey final.", "RUS", "CAN", "competitor"),
    # coordinated actors that undergo one event, or act together on a third party
    ("Taiwan and China prepare for heavy floods this week.", "CHN", "TWN", "co_agent"),
    ("Brazil, Russia, China and Mexico vote to send observers to Venezuela.", "RUS",
     "BRA", "co_agent"),
    # ... and coordinated actors that act with each other
    ("ASEAN and China sign a fisheries pact.", "CHN", "ASEAN", "partner"),
    ("The defence ministers of China, Brazil and Russia meet in Brasilia.", "RUS", "BRA",
     "partner"),
    ("Moscow and Beijing will coordinate closely at the United Nations.", "CHN", "RUS", "partner"),
    ("Russia and Belarus pledged cooperation on air defence.", "RUS", "BLR", "partner"),
    # both named after a third actor that acts on them
    ("Palau shifts its diplomatic recognition from Taipei to Beijing.", "CHN", "TWN", "co_object"),
    # goods and places
    ("A cargo of U.S. wheat sailed for Soviet ports.", "RUS", "USA", "origin"),
    ("Rebels shelled the Syrian town of Idlib as Russian jets circled overhead.", "RUS", "SYR",
     "location"),
    ("Modi meets Xi at the BRICS summit in Kazan, Russia.", "RUS", "RUS", "venue"),
    # a digest's topic label
    ("Relations of Taiwan: Palau reaffirms its ties with Beijing.", "CHN", "TWN", "label"),
    ("The former Soviet republic of Georgia joined the talks.", "RUS", "RUS", "former"),
    # reports of figures, comparisons, contests, state companies (general news)
    ("Chinese tea sales rose 12% last year, the US Commerce Department said.", "CHN", "USA",
     "reporter"),
    ("The U.S. Commerce Department's weekly trade report shows wheat sales to Soviet ports.",
     "RUS", "USA", "reporter"),
    ("China's steel output will likely surpass that of the US next year.", "CHN", "USA",
     "compared"),
    ("The Kenyan runner won the race to finish ahead of France's Martin and Russia's Petrova.",
     "RUS", "FRA", "competitor"),
    ("Portugal will play friendlies against China and Italy in June.", "CHN", "PRT",
     "competitor"),
    ("A Spanish state-owned bank will sign a credit pact with Soviet lenders.", "RUS", "ESP",
     "nationality"),
    ("U.S. 51.2210/2290 STG 80.1105/1180 (Polish central bank fixing, Soviet rouble)", "RUS",
     "USA", "origin"),
    # firms and bodies named after a country, private people, the press
    ("The Peruvian Deep Sea Mining Company will open a smelter with Chinese partners.", "CHN", "PER",
     "nationality"),
    ("The Peruvian state mining corporation will ship ore to Chinese mills.", "CHN", "PER",
     "nationality"),
    ("Brazilian users flocked to a Chinese video app.", "CHN", "BRA", "nationality"),
    ("Spanish tabloids mocked the Russian delegation.", "RUS", "ESP", "nationality"),
    ("Hackers stole the data of Russian users, a Dutch firm said.", "RUS", "RUS", "nationality"),
    ("A Peruvian steel fabricator opened an office in Lima for Chinese clients.", "CHN", "PER",
     "nationality"),
    # places and posts
    ("Maize loaded on the U.S. Gulf coast is bound for Taiwan.", "TWN", "USA", "location"),
    ("The Nairobi representative of a Chinese trade council met local farmers.", "CHN", "KEN",
     "location"),
    # market reports: who buys or ships in the market takes no position
    ("Pakistan bought 50,000 tonnes of Russian wheat last week, traders said.", "RUS", "PAK",
     "market"),
    ("Pakistan bought 50,000 tonnes of Russian wheat last week, traders said.", "RUS", "RUS",
     "market"),
    # two arenas joined by "and"
    ("Moscow no longer seeks a seat in the World Trade Organization and World Bank.", "RUS", "WB",
     "arena"),
    # a grouping's composition
    ("The Caspian forum, which comprises Iran, Kazakhstan and Russia, meets in May.", "RUS", "RUS",
     "list_member"),
    # a comparison
    ("Poland's pension reform is a model for Russia, an adviser said.", "RUS", "RUS", "compared"),
    # an applicant for membership, the owner of a name, the markets of a country's goods
    ("Vietnam's accession to the trade body worried Taiwan's exporters.", "TWN", "VNM", "applicant"),
    ("The board voted to change Bhutan's name in the records, angering China.", "CHN", "BTN",
     "label"),
    ("Uruguay's main beef markets include Russia, Chile and Israel.", "RUS", "RUS", "market"),
    ("Uruguay's main beef markets include Russia, Chile and Israel.", "RUS", "CHL", "market"),
    # an all-caps headline: a capital before a market
    ("OSLO SHIPPING MARKET SLOWS, FEWER SOVIET CHARTERS SEEN", "RUS", "NOR", "origin"),
    ("A Danish Sunday paper ran a long profile of China's new ambassador.", "CHN", "DNK",
     "nationality"),
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
    ("Russian forces retake a border village, ending weeks of Ukrainian occupation.", "RUS", "UKR"),
    ("Turkey receives the S-400 systems it bought from Russia.", "RUS", "TUR"),
    ("Bush calls for action despite Russian opposition.", "RUS", "USA"),
    ("Ankara did not join the EU and US sanctions on Moscow.", "RUS", "EU"),
    ("Serbia resisted pressure from Brussels to sanction Russia.", "RUS", "EU"),
    ("Greek-born Canadian politician Anna Petrou backed China's position.", "CHN", "CAN"),
    ("Leaders gathered in Beijing, and Japan criticised China.", "CHN", "JPN"),
    ("Kiribati opens a new embassy in Beijing, China.", "CHN", "KIR"),
    # a figure in a sentence with an act is no report of fact
    ("Ukraine says Russia fired 40 missiles at Kyiv.", "RUS", "UKR"),
    # a quantity with a deal, aid or a conflict cue is no market report
    ("Pakistan signed a deal to buy 50,000 tonnes of Russian wheat.", "RUS", "PAK"),
    ("Pakistan turned away 50,000 tonnes of Russian wheat over sanctions.", "RUS", "PAK"),
    # the country that acts is neither goods nor a place
    ("Bangladesh will import diesel from Russia under a barter deal.", "RUS", "BGD"),
    ("Chile exports copper to China under a new trade pact.", "CHN", "CHL"),
    ("India buys oil from Russia.", "RUS", "IND"),
    ("Egypt bought wheat from Russia despite the war.", "RUS", "EGY"),
    ("The Japan Coast Guard said two Chinese ships entered its waters.", "CHN", "JPN"),
    ("The United States Intelligence Community accuses Russia of plotting abroad.", "RUS", "USA"),
    ("The Thailand Export Co-operation Fund will lend to China.", "CHN", "THA"),
    # state hackers serve the state: no state company
    ("Chinese state hackers attacked Taiwan's banks.", "TWN", "CHN"),
    # an all-caps headline's act is no market: "BANS" stands before "IMPORTS"
    ("US BANS IMPORTS FROM CHINA", "CHN", "USA"),
    # blocking a membership bid is an act on the applicant
    ("The EU blocked Russia's membership bid.", "RUS", "EU"),
])
def test_the_actor_stays_a_candidate(text, target, code):
    assert code in [r["candidate"] for r in candidate_rows(text, target)]


def test_an_offer_of_goods_is_no_market_report():
    text = "In Moscow the Soviet Government offered us 100,000 tons of wheat."
    assert "market" not in set().union(*roles_of(text, "RUS").values())
    assert [r["candidate"] for r in candidate_rows(text, "RUS", "POL")] == ["POL"]


def test_one_noun_phrase_is_one_mention():
    # "Russian President Vladimir Putin": the demonym and the leader share their roles
    text = "The forum closed after Russian President Vladimir Putin spoke with Chinese officials."
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


def _pairs(text: str, speaker: str = "") -> set[tuple[str, str]]:
    import pandas as pd

    import stance

    rows = stance.analyze(pd.DataFrame({"text": [text], "speaker": [speaker], "date": ["2004-09-20"]}),
                          speaker_col="speaker", date_col="date")
    return set(zip(rows["holder"], rows["target"]))


def test_a_target_named_only_as_the_place_of_an_event_nobody_named_acts_in_has_no_holder():
    # in a statement, the speaker takes no position toward the place of a disaster
    text = "Our thoughts are with the families of those lost in the floods in Krasnodar, Russia, this spring."
    assert roles_of(text, "RUS")["RUS"] == {"location"}
    assert _pairs(text, "FSM") == {("", "RUS")}
    # a named actor may act on the place: its row stays
    assert ("NIC", "CHN") in _pairs("Nicaragua opens a new consulate in Shanghai, China.")
    assert ("UKR", "RUS") in _pairs("Ukraine says its drones hit a fuel depot in Tambov, Russia.")


def test_the_group_of_77_and_china_is_the_bloc_not_china():
    assert [m.code for m in find_actors("the Group of 77 and China")] == ["G77"]
    assert _pairs("Fiji stands with the Group of 77 and China in the climate talks.", "FJI") == set()
