"""Names in pinyin: surnames, compound surnames, surname readings, names left as written."""

from __future__ import annotations

import pytest

from provwatch.pipelines.names import person_en, place_en


@pytest.mark.parametrize("name,expected", [
    ("王传福", "Wang Chuanfu"),
    ("刘宁", "Liu Ning"),
    ("韩立舟", "Han Lizhou"),
    ("王", "Wang"),
    ("吕建安", "Lü Jian'an"),
], ids=lambda v: v)
def test_a_surname_comes_first_and_the_given_name_is_joined_and_capitalised(name, expected):
    assert person_en(name) == expected


@pytest.mark.parametrize("name,expected", [
    ("欧阳明", "Ouyang Ming"), ("司马光", "Sima Guang"), ("诸葛亮", "Zhuge Liang"),
    ("上官婉儿", "Shangguan Wan'er"),
], ids=lambda v: v)
def test_a_compound_surname_is_one_word(name, expected):
    assert person_en(name) == expected


@pytest.mark.parametrize("name,expected", [
    ("单雄", "Shan Xiong"), ("曾毓群", "Zeng Yuqun"), ("解振华", "Xie Zhenhua"),
    ("仇和", "Qiu He"), ("朴槿", "Piao Jin"), ("查良镛", "Zha Liangyong"),
    ("区志航", "Ou Zhihang"), ("乐嘉", "Yue Jia"),
], ids=lambda v: v)
def test_a_heteronym_surname_takes_its_surname_reading(name, expected):
    assert person_en(name) == expected


@pytest.mark.parametrize("name", ["买买提·艾力", "Tim Cook", "王A", ""], ids=repr)
def test_a_name_with_a_middle_dot_or_latin_letters_is_left_as_written(name):
    assert person_en(name) == name


@pytest.mark.parametrize("place,expected", [
    ("郑州", "Zhengzhou"), ("郑州市", "Zhengzhou"), ("许昌", "Xuchang"), ("西安", "Xi'an"),
    ("Zhengzhou", "Zhengzhou"),
], ids=lambda v: v)
def test_a_place_takes_the_gazetteer_s_english_name_else_its_pinyin(place, expected):
    assert place_en(place) == expected
