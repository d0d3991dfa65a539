"""One company, however the partner writes it: names and email domains normalized."""

from benefits.matching import email_domain, normalize_company_name


def test_case_punctuation_and_legal_forms_do_not_matter():
    assert normalize_company_name("Stark Industries, Inc.") == "stark industries"
    assert normalize_company_name("STARK INDUSTRIES") == "stark industries"
    assert normalize_company_name("The Stark Industries Group Ltd") == "stark industries"


def test_accents_and_ampersands_are_folded():
    assert normalize_company_name("Société Générale S.A.") == "societe generale"
    assert normalize_company_name("Procter & Gamble") == "procter and gamble"


def test_a_name_made_only_of_legal_words_is_kept():
    assert normalize_company_name("The Company") == "the company"


def test_the_email_domain_is_the_company_part_lowercased():
    assert email_domain("Pepper.Potts@STARK.example") == "stark.example"


def test_free_webmail_domains_identify_no_company():
    assert email_domain("tony.stark@gmail.com") == ""
    assert email_domain("not-an-address") == ""
