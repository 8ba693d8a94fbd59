"""Build data/programs.csv, SmartPick's bundled demo sheet.

Illinois: real programs under their real names, institutions, cities and specialties (public program pages; ACGME
ids where found). Their IMG %, visa policy, cutoffs, program type and positions are ESTIMATES unless the row's
data_source column names them as checked (FREIDA 2025 for the IM programs, or a program page; data/SOURCES.md). Every
other state: synthetic programs (data/synth.py), drawn from the published national distributions in
data/program_distributions.toml; no Illinois program is invented. Per specialty, the number of programs and the
first-year positions add up to the NRMP figures there.

Run from the repository root:  python data/build_programs.py  (rewrites data/programs.csv; same bytes every run)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import sys
import tempfile
from pathlib import Path

from smartpick_data.synth import COLUMNS, SPECIALTY_CODES, national_distributions, synthetic_programs_by_specialty

SEED = 2025
OUT = Path(__file__).resolve().parent / "programs.csv"
REAL = "real program; attributes estimated"
# Columns of an Illinois row that are estimates unless a source below checks them.
ESTIMATED_COLUMNS = ("program_type", "img_pct", "visa", "positions", "step2_cutoff", "max_years_since_graduation",
                     "usce_required")

# The specialties of the bundled sheet: every specialty with 100 or more non-US IMG applicants in the 2026 Match,
# and the preliminary and transitional tracks IMGs apply to. Their programs and first-year positions are in
# data/program_distributions.toml, each with its source (NRMP where published, else derived and labelled there).
SHEET_SPECIALTIES = ("Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry", "Transitional Year",
                     "Internal Medicine (Preliminary)", "Neurology", "Pathology", "Anesthesiology", "General Surgery",
                     "Surgery (Preliminary)", "Emergency Medicine", "Obstetrics and Gynecology",
                     "Diagnostic Radiology")


def nrmp_programs() -> dict[str, int]:
    """Programs per specialty in the NRMP Match (the sheet's row counts)."""
    return {s: national_distributions()["specialties"][s]["programs"] for s in SHEET_SPECIALTIES}


def nrmp_positions() -> dict[str, int]:
    """First-year positions per specialty in the NRMP Match (the sheet's position totals)."""
    return {s: national_distributions()["specialties"][s]["positions"] for s in SHEET_SPECIALTIES}

IM, PRELIM, FM = "Internal Medicine", "Internal Medicine (Preliminary)", "Family Medicine"
PEDS, PSYCH, TY = "Pediatrics", "Psychiatry", "Transitional Year"
NEURO, PATH, ANES, GS = "Neurology", "Pathology", "Anesthesiology", "General Surgery"
SURG_PRELIM, EM, OBGYN, DR = ("Surgery (Preliminary)", "Emergency Medicine", "Obstetrics and Gynecology",
                              "Diagnostic Radiology")
PRELIMINARY = (PRELIM, SURG_PRELIM)
UNIV, AFFIL, COMM = "university", "university-affiliated", "community"

# Where each program's name, city and specialty come from (notes column). ACGME ids: FREIDA 2025 or the page named.
FACTS = "public program pages (FREIDA 2025 and the programs' own sites)"
RA = "residencyadvisor.com program page"
NRMP_CODE = "NRMP preliminary code on residencyadvisor.com IM page"
ASC_SF = "medicaleducation.ascension.org (Ascension Saint Francis)"
ASC_SJ = "medicaleducation.ascension.org (Ascension Saint Joseph - Chicago)"
SIU_FCM = "siumed.edu family medicine residency programs"
COPLEY = "rushu.rush.edu / rushcopley.com family medicine residency"
FRANCISCAN = "franciscanfmolympiafields.com; Franciscan Health Olympia Fields IM chief resident posting"
MCHENRY = "Rosalind Franklin University GME pages (Northwestern Medicine McHenry internal medicine residency)"
UCHI_PEDS = "pediatrics.uchicago.edu residency"
UIC_NEURO = "chicago.medicine.uic.edu neurology residency page; " + RA
UCHI_NEURO = "neurology.uchicago.edu residency program pages"
NW_NEURO = "neurology.northwestern.edu residency pages"
AIMMC_ANES = "advocatehealth.com Advocate Illinois Masonic anesthesiology residency, how to apply"
UIC_ANES = "chicago.medicine.uic.edu anesthesiology residency pages"
UCHI_ANES = "anesthesiaattheforefront.com (UChicago anesthesia residency)"
SINAI_GS = RA + "; sinai.org surgery residency; reviewmyresidency.com program listing"
SJ_GS = "presencehealth.org general surgery residency (Presence, now Ascension, Saint Joseph - Chicago)"
UIC_EM = "chicago.medicine.uic.edu emergency medicine residency FAQ; " + RA
SINAI_OBGYN = RA + "; residency.sinaichicago.org/obgyn"
RUSH_DR = "rushu.rush.edu diagnostic radiology residency"
LOYOLA_DR = "loyolamedicine.org radiology residency"
FRANCISCAN_DR = "franciscanradiology.com (Franciscan Health diagnostic radiology residency)"

# (program name, institution, city, specialty, ACGME id or "", type, IMG %, visa, Step 2 CK cutoff, max years since
#  graduation, US clinical experience required, PGY-1 positions, source of the name).
# Type, IMG %, visa, positions and cutoffs are estimates, except where FREIDA_2025_IM or PAGE_CHECKED (below) name
# a source: those values replace or confirm the estimates, and the row's data_source says which columns they are.
ILLINOIS = (
    # Internal Medicine (categorical)
    ("Advocate Illinois Masonic Medical Center", "Advocate Health", "Chicago", IM, "1401611114",
     AFFIL, 70, "J-1", 220, 5, False, 14, FACTS),
    ("Cook County Health (John H. Stroger Jr. Hospital)", "Cook County Health", "Chicago", IM, "1401612113",
     AFFIL, 65, "J-1+H-1B", "", "", False, 30, FACTS),
    ("Mount Sinai Hospital Medical Center of Chicago", "Sinai Chicago", "Chicago", IM, "1401621541",
     COMM, 85, "J-1+H-1B", "", 5, False, 15, FACTS),
    ("University of Chicago", "UChicago Medicine", "Chicago", IM, "1401611123",
     UNIV, 5, "J-1+H-1B", "", "", False, 40, FACTS),
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", IM, "1401621124",
     UNIV, 30, "J-1", "", 5, False, 30, FACTS),
    ("McGaw Medical Center of Northwestern University", "Northwestern Medicine", "Chicago", IM, "1401621119",
     UNIV, 3, "J-1+H-1B", "", "", False, 40, FACTS),
    ("Louis A. Weiss Memorial Hospital", "Weiss", "Chicago", IM, "1401611115",
     AFFIL, 85, "J-1+H-1B", "", 7, False, 12, FACTS),
    ("Ascension Saint Joseph - Chicago", "Ascension Illinois", "Chicago", IM, "",
     COMM, 65, "J-1", "", 5, False, 24, FACTS),
    ("Swedish Hospital", "Endeavor Health", "Chicago", IM, "",
     COMM, 60, "J-1", "", 5, True, 12, FACTS),
    ("Rush University Medical Center", "Rush", "Chicago", IM, "",
     UNIV, 12, "J-1", "", "", False, 36, FACTS),
    ("University of Chicago (Endeavor Health NorthShore)", "Endeavor Health", "Evanston", IM, "1401631125",
     AFFIL, 20, "J-1+H-1B", "", "", False, 20, FACTS),
    ("Advocate Lutheran General Hospital", "Advocate Health", "Park Ridge", IM, "1401621130",
     AFFIL, 45, "J-1", "", 5, False, 16, FACTS),
    ("Loyola University Medical Center", "Loyola Medicine", "Maywood", IM, "1401621128",
     UNIV, 15, "J-1", "", "", False, 30, FACTS),
    ("Loyola MacNeal Hospital", "Loyola Medicine", "Berwyn", IM, "",
     AFFIL, 55, "J-1", "", 5, False, 12, FACTS),
    ("Advocate Christ Medical Center", "Advocate Health", "Oak Lawn", IM, "",
     AFFIL, 45, "J-1", "", 5, False, 20, FACTS),
    ("University of Illinois College of Medicine at Peoria", "OSF Saint Francis", "Peoria", IM, "1401631131",
     UNIV, 45, "J-1+H-1B", "", "", False, 16, FACTS),
    ("Carle Foundation Hospital", "Carle Health", "Urbana", IM, "1401621456",
     AFFIL, 55, "J-1+H-1B", "", "", False, 14, FACTS),
    ("Southern Illinois University", "SIU Medicine", "Springfield", IM, "",
     UNIV, 45, "J-1+H-1B", "", "", False, 16, FACTS),
    ("Franciscan Health Olympia Fields", "Franciscan Health", "Olympia Fields", IM, "",
     COMM, 75, "none", "", 5, True, 12, FRANCISCAN),
    ("Northwestern Medicine McHenry Hospital", "Northwestern Medicine", "McHenry", IM, "",
     COMM, 70, "J-1", "", 5, True, 10, MCHENRY),
    ("Ascension Saint Francis", "Ascension Illinois", "Evanston", IM, "",
     COMM, 70, "J-1", "", 5, False, 14, ASC_SF),
    # Internal Medicine (Preliminary): tracks of the IM programs above
    ("Mount Sinai Hospital Medical Center of Chicago", "Sinai Chicago", "Chicago", PRELIM, "1401621541",
     COMM, 50, "J-1", "", 5, False, 3, FACTS),
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", PRELIM, "1401621124",
     UNIV, 15, "J-1", "", 5, False, 13, FACTS),
    ("Louis A. Weiss Memorial Hospital", "Weiss", "Chicago", PRELIM, "1401611115",
     AFFIL, 50, "J-1", "", 7, False, 6, FACTS),
    ("Ascension Saint Joseph - Chicago", "Ascension Illinois", "Chicago", PRELIM, "",
     COMM, 35, "J-1", "", 5, False, 7, FACTS),
    ("University of Chicago (Endeavor Health NorthShore)", "Endeavor Health", "Evanston", PRELIM, "1401631125",
     AFFIL, 10, "none", "", "", False, 6, FACTS),
    ("Advocate Illinois Masonic Medical Center", "Advocate Health", "Chicago", PRELIM, "1401611114",
     AFFIL, 35, "J-1", 220, 5, False, 6, NRMP_CODE),
    ("Advocate Lutheran General Hospital", "Advocate Health", "Park Ridge", PRELIM, "1401621130",
     AFFIL, 25, "J-1", "", 5, False, 6, NRMP_CODE),
    ("McGaw Medical Center of Northwestern University", "Northwestern Medicine", "Chicago", PRELIM, "1401621119",
     UNIV, 3, "none", "", "", False, 12, NRMP_CODE),
    ("Ascension Saint Francis", "Ascension Illinois", "Evanston", PRELIM, "",
     COMM, 40, "J-1", "", 5, False, 6, ASC_SF),
    # Family Medicine
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", FM, "1201621488",
     UNIV, 15, "J-1", "", "", False, 10, FACTS),
    ("Cook County Health", "Cook County Health", "Chicago", FM, "1201611100",
     AFFIL, 35, "J-1", "", "", False, 12, FACTS),
    ("Northwestern (Erie Family Health - Humboldt Park)", "Northwestern Medicine", "Chicago", FM, "1201612701",
     AFFIL, 10, "J-1", "", "", False, 8, FACTS),
    ("Ascension Illinois / Resurrection", "Ascension Illinois", "Chicago", FM, "1201611102",
     COMM, 60, "J-1", "", 5, True, 8, FACTS),
    ("University of Chicago (Endeavor Health NorthShore)", "Endeavor Health", "Evanston", FM, "1201621654",
     AFFIL, 20, "J-1", "", "", False, 8, FACTS),
    ("Northwestern (Lake Forest)", "Northwestern Medicine", "Grayslake", FM, "1201600702",
     AFFIL, 10, "none", "", 3, False, 6, FACTS),
    ("West Suburban Medical Center", "West Suburban", "Oak Park", FM, "1201631112",
     COMM, 75, "J-1+H-1B", "", 7, True, 10, FACTS),
    ("Adventist Hinsdale Hospital", "AdventHealth", "Hinsdale", FM, "1201621109",
     COMM, 45, "J-1", "", 5, False, 8, FACTS),
    ("University of Illinois College of Medicine at Peoria", "Carle Health Methodist", "Peoria", FM, "1201611113",
     AFFIL, 35, "J-1", "", "", False, 8, FACTS),
    ("UI Peoria - Bloomington", "OSF St. Joseph", "Bloomington", FM, "1201600007",
     COMM, 40, "J-1", "", 5, False, 6, FACTS),
    ("University of Illinois College of Medicine at Rockford", "SwedishAmerican", "Rockford", FM, "1201631115",
     AFFIL, 30, "J-1", "", "", False, 8, FACTS),
    ("Loyola MacNeal Hospital", "Loyola Medicine", "Berwyn", FM, "",
     AFFIL, 35, "J-1", "", 5, False, 8, FACTS),
    ("Advocate Christ Medical Center", "Advocate Health", "Oak Lawn", FM, "",
     AFFIL, 30, "J-1", "", 5, False, 8, FACTS),
    ("Southern Illinois University", "SIU Medicine", "Springfield", FM, "",
     UNIV, 25, "J-1", "", "", False, 10, FACTS),
    ("Carle Foundation Hospital", "Carle Health", "Urbana", FM, "1201600707",
     AFFIL, 30, "J-1", "", "", False, 8, RA),
    ("Southern Illinois University (Quincy)", "SIU Medicine / Blessing Hospital", "Quincy", FM, "1201621365",
     COMM, 40, "J-1", "", 5, False, 6, RA),
    ("Southern Illinois University (Carbondale)", "SIU Medicine / SIH Memorial Hospital of Carbondale",
     "Carbondale", FM, "", COMM, 40, "J-1", "", 5, False, 6, SIU_FCM),
    ("Southern Illinois University (Decatur)", "SIU Medicine / Decatur Memorial Hospital", "Decatur", FM, "",
     COMM, 45, "J-1", "", 5, False, 5, SIU_FCM),
    ("Southern Illinois University (Alton)", "SIU Medicine / Alton Memorial Hospital", "Alton", FM, "",
     COMM, 35, "J-1", "", 5, False, 6, SIU_FCM),
    ("Rush Copley Medical Center", "Rush", "Aurora", FM, "",
     COMM, 35, "none", "", 5, True, 4, COPLEY),
    ("Franciscan Health Olympia Fields", "Franciscan Health", "Olympia Fields", FM, "",
     COMM, 30, "none", "", 5, True, 6, FRANCISCAN),
    # Pediatrics
    ("McGaw Medical Center of Northwestern University (Lurie Children's)", "Northwestern Medicine", "Chicago", PEDS,
     "3201621070", UNIV, 3, "J-1", "", "", False, 40, "pediatrics.northwestern.edu (ERAS program number)"),
    ("University of Chicago (Comer Children's)", "UChicago Medicine", "Chicago", PEDS, "",
     UNIV, 8, "J-1", "", "", False, 26, UCHI_PEDS),
    ("Rush University Medical Center", "Rush", "Chicago", PEDS, "3201631069",
     UNIV, 20, "J-1", "", "", False, 14, RA),
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", PEDS, "3201611074",
     UNIV, 35, "J-1", "", 5, False, 15, RA + "; FREIDA"),
    ("Cook County Health (John H. Stroger Jr. Hospital)", "Cook County Health", "Chicago", PEDS, "3201611065",
     AFFIL, 70, "J-1+H-1B", "", 5, False, 10, RA),
    ("Loyola University Medical Center", "Loyola Medicine", "Maywood", PEDS, "3201621075",
     UNIV, 15, "J-1", "", "", False, 12, RA),
    ("Advocate Children's Hospital (Park Ridge)", "Advocate Health", "Park Ridge", PEDS, "3201612077",
     AFFIL, 40, "J-1", "", 3, False, 14, RA + "; advocatehealth.com fast facts"),
    ("Advocate Children's Hospital (Oak Lawn)", "Advocate Health", "Oak Lawn", PEDS, "3201621382",
     AFFIL, 40, "J-1", "", 5, False, 14, RA),
    ("University of Illinois College of Medicine at Peoria", "OSF Children's Hospital of Illinois", "Peoria", PEDS,
     "3201621078", UNIV, 35, "J-1", "", "", False, 12, RA),
    ("Southern Illinois University", "SIU Medicine", "Springfield", PEDS, "3201621079",
     UNIV, 40, "J-1", "", "", False, 8, RA),
    # Psychiatry
    ("McGaw Medical Center of Northwestern University", "Northwestern Medicine", "Chicago", PSYCH, "4001621060",
     UNIV, 5, "J-1+H-1B", "", "", False, 12, RA),
    ("University of Chicago", "UChicago Medicine", "Chicago", PSYCH, "4001631062",
     UNIV, 10, "J-1", "", "", False, 8, RA),
    ("Rush University Medical Center", "Rush", "Chicago", PSYCH, "4001611061",
     UNIV, 15, "J-1", "", "", False, 8, RA),
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", PSYCH, "4001621063",
     UNIV, 20, "J-1", "", "", False, 10, RA),
    ("Loyola University Medical Center", "Loyola Medicine", "Maywood", PSYCH, "4001621064",
     UNIV, 15, "J-1", "", "", False, 6, RA),
    ("Advocate Lutheran General Hospital", "Advocate Health", "Park Ridge", PSYCH, "4001621257",
     AFFIL, 25, "none", 214, "", False, 4, RA + "; FREIDA"),
    ("Southern Illinois University", "SIU Medicine", "Springfield", PSYCH, "4001621065",
     UNIV, 45, "J-1", "", 7, False, 6, RA + "; siumed.edu application requirements"),
    ("Chicago Medical School/Rosalind Franklin University of Medicine & Science", "Rosalind Franklin University",
     "North Chicago", PSYCH, "4001631056", UNIV, 45, "J-1", "", "", False, 6, RA),
    # Transitional Year
    ("Louis A. Weiss Memorial Hospital", "Weiss", "Chicago", TY, "9991600035",
     AFFIL, 20, "none", "", "", False, 6, FACTS + "; " + RA),
    ("Ascension Saint Joseph - Chicago", "Ascension Illinois", "Chicago", TY, "9991600033",
     COMM, 15, "none", "", "", False, 8, ASC_SJ + "; " + RA),
    ("University of Chicago (Endeavor Health NorthShore)", "Endeavor Health", "Evanston", TY, "",
     AFFIL, 5, "none", "", "", False, 8, FACTS),
    ("Loyola MacNeal Hospital", "Loyola Medicine", "Berwyn", TY, "",
     AFFIL, 10, "none", "", "", False, 8, FACTS),
    ("University of Illinois College of Medicine at Peoria", "OSF Saint Francis", "Peoria", TY, "9991600232",
     UNIV, 10, "none", "", "", False, 8, RA),
    ("Ascension Saint Francis", "Ascension Illinois", "Evanston", TY, "",
     COMM, 15, "none", "", "", False, 8, ASC_SF),
    # Neurology
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", NEURO, "1801621035",
     UNIV, 35, "J-1", "", "", False, 6, UIC_NEURO),
    ("Rush University Medical Center", "Rush", "Chicago", NEURO, "1801611033",
     UNIV, 20, "J-1", "", "", False, 8, RA),
    ("University of Chicago", "UChicago Medicine", "Chicago", NEURO, "",
     UNIV, 15, "J-1", "", "", False, 7, UCHI_NEURO),
    ("McGaw Medical Center of Northwestern University", "Northwestern Medicine", "Chicago", NEURO, "",
     UNIV, 5, "J-1", "", "", False, 10, NW_NEURO),
    # Pathology
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", PATH, "3001621098",
     UNIV, 60, "J-1", "", "", False, 5, RA + "; chicago.medicine.uic.edu pathology residency"),
    ("University of Chicago", "UChicago Medicine", "Chicago", PATH, "3001621097",
     UNIV, 30, "J-1", "", "", False, 6, RA),
    ("University of Chicago (Endeavor Health NorthShore)", "Endeavor Health", "Evanston", PATH, "3001621412",
     AFFIL, 40, "J-1", "", "", False, 4, RA + "; northshore.org pathology residency"),
    ("Rush University Medical Center", "Rush", "Chicago", PATH, "3001611095",
     UNIV, 40, "J-1", "", "", False, 4, RA),
    # Anesthesiology
    ("Cook County Health (John H. Stroger Jr. Hospital)", "Cook County Health", "Chicago", ANES, "0401612039",
     AFFIL, 20, "J-1", "", "", False, 10, RA + "; cookcountyhhs.org anesthesiology"),
    ("Rush University Medical Center", "Rush", "Chicago", ANES, "0401621043",
     UNIV, 5, "J-1", "", "", False, 14, RA),
    ("Advocate Illinois Masonic Medical Center", "Advocate Health", "Chicago", ANES, "",
     AFFIL, 10, "J-1", "", "", False, 8, AIMMC_ANES),
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", ANES, "",
     UNIV, 10, "J-1", "", "", False, 13, UIC_ANES),
    ("University of Chicago", "UChicago Medicine", "Chicago", ANES, "",
     UNIV, 3, "J-1", "", "", False, 16, UCHI_ANES),
    # General Surgery (categorical) and its preliminary tracks
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", GS, "4401621395",
     UNIV, 10, "J-1", "", "", False, 8, RA),
    ("University of Illinois College of Medicine at Chicago (Mount Sinai)", "Sinai Chicago", "Chicago", GS,
     "4401621385", AFFIL, 30, "J-1", 230, 2, False, 3, SINAI_GS),
    ("University of Illinois College of Medicine at Chicago (Metropolitan Group Hospitals)", "Advocate Health",
     "Chicago", GS, "4401631096", AFFIL, 15, "J-1", "", "", False, 6, RA + "; MGH residency page (NRMP codes)"),
    ("Ascension Saint Joseph - Chicago", "Ascension Illinois", "Chicago", GS, "",
     COMM, 25, "J-1", "", 5, False, 3, SJ_GS),
    ("University of Illinois College of Medicine at Chicago (Mount Sinai)", "Sinai Chicago", "Chicago",
     SURG_PRELIM, "4401621385", AFFIL, 50, "J-1", "", "", False, 2, SINAI_GS),
    ("University of Illinois College of Medicine at Chicago (Metropolitan Group Hospitals)", "Advocate Health",
     "Chicago", SURG_PRELIM, "4401631096", AFFIL, 40, "J-1", "", "", False, 6,
     RA + "; MGH residency page (NRMP preliminary code)"),
    # Emergency Medicine
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", EM, "1101612016",
     UNIV, 5, "none", "", "", False, 15, UIC_EM),
    # Obstetrics and Gynecology
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", OBGYN, "2201611093",
     UNIV, 5, "J-1", "", "", False, 8, RA + "; chicago.medicine.uic.edu obstetrics and gynecology"),
    ("Mount Sinai Hospital Medical Center of Chicago", "Sinai Chicago", "Chicago", OBGYN, "2201611088",
     COMM, 25, "J-1", "", "", False, 4, SINAI_OBGYN),
    # Diagnostic Radiology
    ("University of Illinois College of Medicine at Chicago", "UI Health", "Chicago", DR, "4201621062",
     UNIV, 10, "J-1", "", "", False, 8, RA + "; radiology.uic.edu"),
    ("Advocate Illinois Masonic Medical Center", "Advocate Health", "Chicago", DR, "4201621217",
     AFFIL, 15, "J-1", 210, "", False, 4, RA),
    ("Rush University Medical Center", "Rush", "Chicago", DR, "",
     UNIV, 5, "J-1", "", "", False, 6, RUSH_DR),
    ("Loyola University Medical Center", "Loyola Medicine", "Maywood", DR, "",
     UNIV, 10, "J-1", "", "", False, 7, LOYOLA_DR),
    ("Franciscan Health Olympia Fields", "Franciscan Health", "Olympia Fields", DR, "",
     COMM, 30, "none", "", "", False, 3, FRANCISCAN_DR),
)


# FREIDA 2025 listing of the Illinois IM programs (FREIDA 2025, data/SOURCES.md): ACGME id ->
# (IMG share of residents or None where FREIDA shows none, first-year positions, visas sponsored). These replace
# the estimates above.
FREIDA_2025_IM = {
    "1401611114": (88, 24, "J-1"),  # Advocate Illinois Masonic
    "1401612113": (79, 45, "J-1+H-1B"),  # Cook County Health
    "1401611115": (100, 19, "J-1"),  # Louis A. Weiss Memorial
    "1401621119": (None, 49, "J-1+H-1B"),  # McGaw / Northwestern
    "1401621541": (98, 18, "J-1"),  # Mount Sinai Chicago
    "1401611123": (1, 40, "J-1+H-1B"),  # University of Chicago
    "1401621124": (5, 46, "J-1"),  # UIC
    "1401631125": (5, 38, "J-1+H-1B"),  # Endeavor Health NorthShore
    "1401621128": (12, 34, "J-1"),  # Loyola University Medical Center
    "1401621130": (16, 27, "J-1"),  # Advocate Lutheran General
    "1401631131": (64, 14, "J-1+H-1B"),  # UI Peoria
    "1401621456": (91, 16, "J-1"),  # Carle Foundation Hospital
}
FREIDA_2025 = "FREIDA 2025"

# Values a program page (or its FREIDA entry) states, by (program, specialty): column -> source.
PAGE_CHECKED = {
    ("Advocate Illinois Masonic Medical Center", IM): {"step2_cutoff": "program page",
                                                        "max_years_since_graduation": "program page"},
    ("University of Illinois College of Medicine at Chicago", IM): {"max_years_since_graduation": "program page"},
    ("University of Illinois College of Medicine at Chicago", PEDS): {"max_years_since_graduation": "program page",
                                                                      "visa": "FREIDA"},
    ("Advocate Children's Hospital (Park Ridge)", PEDS): {"max_years_since_graduation": "program page",
                                                          "visa": "program page"},
    ("Northwestern (Lake Forest)", FM): {"max_years_since_graduation": "program page"},
    ("Advocate Lutheran General Hospital", PSYCH): {"step2_cutoff": "FREIDA"},
    ("Southern Illinois University", PSYCH): {"max_years_since_graduation": "program page (preferred)"},
    ("McGaw Medical Center of Northwestern University", PSYCH): {"visa": "program page"},
    ("University of Illinois College of Medicine at Chicago", NEURO): {"positions": "program page"},
    ("Advocate Illinois Masonic Medical Center", ANES): {"positions": "program page (2026 Match: 6 PGY-1, 2 PGY-2)"},
    ("University of Illinois College of Medicine at Chicago (Mount Sinai)", GS): {
        "positions": "reviewmyresidency.com listing", "step2_cutoff": "residencyadvisor.com listing",
        "max_years_since_graduation": "residencyadvisor.com listing"},
    ("University of Illinois College of Medicine at Chicago (Mount Sinai)", SURG_PRELIM): {
        "positions": "reviewmyresidency.com listing"},
    ("University of Illinois College of Medicine at Chicago", EM): {
        "positions": "program page", "visa": "residencyadvisor.com program page (no J-1 or H-1B, university policy)"},
    ("Mount Sinai Hospital Medical Center of Chicago", OBGYN): {"positions": "program page", "visa": "program page"},
    ("University of Illinois College of Medicine at Chicago", DR): {"visa": "residencyadvisor.com listing"},
    ("Advocate Illinois Masonic Medical Center", DR): {"visa": "residencyadvisor.com listing",
                                                       "step2_cutoff": "residencyadvisor.com listing"},
    ("Loyola University Medical Center", DR): {"positions": "program page"},
}


def illinois_rows() -> list[dict]:
    """The hand-written Illinois programs as sheet rows (canonical columns plus data_source)."""
    rows = []
    for (name, institution, city, specialty, acgme_id, kind, img_pct, visa, step2, max_years, usce, positions,
         source) in ILLINOIS:
        code, abbrev = SPECIALTY_CODES[specialty]
        checked = dict(PAGE_CHECKED.get((name, specialty), {}))
        if specialty == IM and acgme_id in FREIDA_2025_IM:
            freida_img, positions, visa = FREIDA_2025_IM[acgme_id]
            checked.update({"positions": FREIDA_2025, "visa": FREIDA_2025})
            if freida_img is not None:
                img_pct = freida_img
                checked["img_pct"] = FREIDA_2025
        rows.append({
            "program_id": _illinois_id(acgme_id, institution, city, specialty),
            "program": f"{name} {abbrev}",
            "institution": institution,
            "city": city,
            "state": "IL",
            "specialty": specialty,
            "program_type": kind,
            "img_pct": img_pct,
            "visa": visa,
            "step1_cutoff": "",
            "step2_cutoff": step2,
            "max_years_since_graduation": max_years,
            "usce_required": "yes" if usce else "no",
            "alumni_from_my_school": "",
            "positions": positions,
            "apply": "",
            "accepts_signals": "yes",
            "signal": "",
            "notes": f"Name, city, specialty: {source}. Check FREIDA and the program website.",
            "data_source": illinois_data_source(checked),
        })
    return rows


def illinois_data_source(checked: dict[str, str]) -> str:
    """What an Illinois row's attributes rest on: the columns checked (with their source) and those estimated."""
    if not checked:
        return REAL
    by_source: dict[str, list[str]] = {}
    for column in ESTIMATED_COLUMNS:
        if column in checked:
            by_source.setdefault(checked[column], []).append(column)
    parts = [f"{', '.join(columns)} from {source}" for source, columns in by_source.items()]
    estimated = [column for column in ESTIMATED_COLUMNS if column not in checked]
    return f"real program; {'; '.join(parts)}; estimated: {', '.join(estimated)}"


def _illinois_id(acgme_id: str, institution: str, city: str, specialty: str) -> str:
    """The ACGME id (a preliminary track adds "-P" to its categorical program's id), else a stable id derived from
    the name."""
    if acgme_id:
        return f"{acgme_id}-P" if specialty in PRELIMINARY else acgme_id
    digest = hashlib.sha1(f"{institution}|{city}|{specialty}".encode()).hexdigest()[:6].upper()
    return f"IL-{SPECIALTY_CODES[specialty][0]}-{digest}"


def build_rows(seed: int = SEED) -> list[dict]:
    """Illinois programs plus synthetic programs elsewhere; per specialty, programs and first-year positions add up
    to the NRMP figures."""
    illinois = illinois_rows()
    programs, positions = nrmp_programs(), nrmp_positions()
    rows_in_illinois = {s: sum(r["specialty"] == s for r in illinois) for s in programs}
    seats_in_illinois = {s: sum(r["positions"] for r in illinois if r["specialty"] == s) for s in programs}
    synthetic = synthetic_programs_by_specialty(
        {s: programs[s] - rows_in_illinois[s] for s in programs}, seed, exclude_states=("IL",),
        positions={s: positions[s] - seats_in_illinois[s] for s in programs})
    rows = illinois + synthetic
    return sorted(rows, key=lambda r: (r["state"], r["city"], r["program"], r["program_id"]))


def to_csv_text(rows: list[dict]) -> str:
    """The rows as CSV text (header first, "\\n" line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_atomically(text: str, path: Path) -> None:
    """Write to a temporary file beside `path`, then replace `path` with it."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild SmartPick's bundled programs.csv.")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args(argv)
    rows = build_rows()
    write_atomically(to_csv_text(rows), args.out)
    print(f"wrote {len(rows)} programs to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
