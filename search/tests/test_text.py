from search import text


def test_fold_lowercases_and_strips_accents():
    assert text.fold("Événement à NOËL") == "evenement a noel"
    assert text.fold("Lefèvre") == "lefevre"


def test_words_keep_letters_digits_and_underscore():
    assert text.words("L'équipe (Paris) : 2026 -- group_12!") == [
        "l",
        "équipe",
        "paris",
        "2026",
        "group_12",
    ]
    assert text.words("") == []


def test_french_stems_agree_with_and_without_accents():
    assert text.stem("événements", "french") == text.stem("evenements", "french") == "even"
    assert text.stem("évènement", "fr") == text.stem("événement", "fr")


def test_english_stems():
    assert text.stem("meetings", "english") == text.stem("meeting", "en") == "meet"


def test_stems_hold_french_and_english_stems():
    stems = text.stems("Meetings événements").split()
    assert "meet" in stems
    assert "even" in stems


def test_parse_terms_phrases_and_prefix():
    parsed = text.parse('budget "Réunion des équipes" lef')
    assert parsed.terms == ["budget"]
    assert parsed.phrases == [["réunion", "des", "équipes"]]
    assert parsed.prefix == "lef"


def test_parse_no_prefix_after_a_phrase():
    parsed = text.parse('budget "annual review"')
    assert parsed.prefix is None
    assert parsed.terms == ["budget"]


def test_parse_single_quoted_word_is_a_term():
    parsed = text.parse('"budget" x')
    assert parsed.terms == ["budget"]
    assert parsed.prefix == "x"


def test_parse_reduces_hostile_input_to_words():
    for hostile in ['"', "*", "(", ")", "NEAR(", "AND", "-", ":", "'; DROP TABLE x; --", '"a b']:
        parsed = text.parse(hostile)
        for word in parsed.all_words:
            assert word.replace("_", "").isalnum()
    assert not text.parse('" * ( : -')
    assert text.parse("title:paris").all_words == ["title", "paris"]
    unbalanced = text.parse('"réunion des')
    assert unbalanced.all_words == ["réunion", "des"]


def test_parse_bounds_the_number_of_words():
    parsed = text.parse(" ".join(f"w{i}" for i in range(100)))
    assert len(parsed.all_words) <= text.MAX_QUERY_WORDS + 1
