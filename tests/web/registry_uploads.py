"""Registry files for the upload tests: a good pair (persons, cases) and a bad pair."""

from __future__ import annotations

PERSONS_HEADER = "person_id,case_id,relationship,given_name,family_name,given_name_original," \
                 "family_name_original,sex,birth_date,nationality,specific_needs\n"
CASES_HEADER = "case_id,principal_id,size,processing_priority,status,registered_on\n"

GOOD_PERSONS = PERSONS_HEADER + (
    "N-500-1,N-500,principal,Parisa,Rostami,پریسا,رستمی,F,1980-04-02,IRN,wheelchair_user\n"
    "N-500-2,N-500,child,Kian,Rostami,کیان,رستمی,M,2006-09-11,IRN,\n"
    "N-501-1,N-501,principal,Dariush,Farahani,داریوش,فراهانی,M,~1965,IRN,\n"
)
GOOD_CASES = CASES_HEADER + (
    "N-500,N-500-1,2,urgent,registered,2013-05-01\n"
    "N-501,N-501-1,1,normal,,2013-05-02\n"
)
# Three problems in three rows of two files: an impossible date, an unknown country code,
# and a priority that does not exist.
BAD_PERSONS = PERSONS_HEADER + (
    "N-600-1,N-600,principal,Sara,Ahmadi,سارا,احمدی,F,1980-02-30,IRN,\n"
    "N-600-2,N-600,child,Omid,Ahmadi,امید,احمدی,M,2008-01-01,XXQ,\n"
    "N-601-1,N-601,principal,Nima,Ahmadi,نیما,احمدی,M,1990-01-01,IRN,\n"
)
BAD_CASES = CASES_HEADER + ("N-600,N-600-1,2,normal,registered,2013-05-01\n"
                            "N-601,N-601-1,1,soon,registered,2013-05-01\n")


def files(persons: str, cases: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", ("persons.csv", persons.encode(), "text/csv")),
            ("files", ("cases.csv", cases.encode(), "text/csv"))]
