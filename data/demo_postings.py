"""Deterministic synthetic job postings for the demo: realistic text whose skill mix drifts in time.

Each posting has a role (backend, data, DevOps, product, finance, …) with its own skill pool; the
chance that a skill is asked for follows a life cycle over the months (rising, declining,
emerging after a launch month, obsolescent, stable), so the extracted monthly counts show real
trends. Descriptions (~1–2 KB) mix an intro, responsibilities, requirements, nice-to-haves, and
boilerplate — benefits, "about us" and an equal-opportunity statement — that contains trap words
(excellent, go, spring, swift, …) and even skill names that must not be counted. Some postings
are HTML, some are reposted (same text, new id) to exercise de-duplication.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

# skill → (life cycle, base weight). Names are project-taxonomy skills or aliases of them.
_LIFE: dict[str, tuple[str, float]] = {
    "Python": ("rising", 3.0), "Java": ("declining", 2.5), "Go": ("rising", 1.0),
    "Rust": ("emerging", 0.8), "TypeScript": ("rising", 2.0), "JavaScript": ("stable", 2.5),
    "C#": ("stable", 1.2), ".NET": ("declining", 1.0), "C++": ("stable", 1.0), "C": ("declining", 0.5),
    "Ruby on Rails": ("declining", 1.0), "PHP": ("declining", 1.0), "Node.js": ("stable", 1.5),
    "Spring Boot": ("stable", 1.2), "Django": ("stable", 1.0), "FastAPI": ("emerging", 1.0),
    "React": ("rising", 2.5), "AngularJS": ("obsolescent", 1.5), "Angular": ("stable", 1.0),
    "jQuery": ("obsolescent", 1.5), "Vue.js": ("stable", 0.8), "Next.js": ("emerging", 1.0),
    "Tailwind CSS": ("emerging", 0.7), "CSS": ("stable", 1.5), "HTML": ("stable", 1.2),
    "React Native": ("stable", 1.0), "Swift": ("rising", 1.2), "Objective-C": ("obsolescent", 1.0),
    "Kotlin": ("rising", 1.2), "Flutter": ("emerging", 0.8),
    "Kubernetes": ("rising", 2.0), "Docker": ("stable", 2.0), "Terraform": ("rising", 1.5),
    "Terraform modules": ("emerging", 0.6), "Ansible": ("declining", 1.0), "Puppet": ("obsolescent", 0.8),
    "Jenkins": ("declining", 1.2), "GitHub Actions": ("emerging", 1.0), "AWS": ("rising", 2.5),
    "Azure": ("rising", 1.2), "GCP": ("stable", 0.8), "Prometheus": ("rising", 0.7),
    "Linux": ("stable", 1.5), "Bash": ("stable", 1.0),
    "SQL": ("stable", 3.0), "PostgreSQL": ("rising", 1.5), "MySQL": ("declining", 1.0),
    "MongoDB": ("stable", 0.8), "Redis": ("stable", 0.8), "Apache Spark": ("stable", 1.2),
    "Apache Kafka": ("rising", 1.0), "Apache Airflow": ("rising", 1.0), "dbt": ("emerging", 1.0),
    "Snowflake": ("emerging", 1.0), "Apache Hadoop": ("obsolescent", 1.0), "Pandas": ("rising", 1.5),
    "scikit-learn": ("stable", 1.0), "PyTorch": ("rising", 1.0), "TensorFlow": ("declining", 1.0),
    "R": ("declining", 0.8), "Machine learning": ("rising", 1.5), "Large language models": ("emerging", 1.2),
    "Retrieval-augmented generation": ("emerging", 0.6), "Prompt engineering": ("emerging", 0.6),
    "Statistics": ("stable", 1.0), "Tableau": ("stable", 1.0), "Power BI": ("rising", 1.2),
    "Microsoft Excel": ("declining", 2.0), "VBA": ("obsolescent", 0.8),
    "Financial modeling": ("stable", 1.0), "SAP": ("stable", 0.8), "Salesforce": ("stable", 0.8),
    "Jira": ("stable", 1.0), "Scrum": ("declining", 1.0),
    "Agile": ("stable", 1.2), "Product roadmapping": ("stable", 0.8), "A/B testing": ("rising", 0.8),
    "Stakeholder management": ("stable", 1.0), "Figma": ("rising", 1.2), "Sketch": ("obsolescent", 0.8),
    "User research": ("stable", 1.0), "GDPR": ("stable", 0.7), "GDPR impact assessment": ("emerging", 0.5),
    "Penetration testing": ("stable", 0.8), "SIEM": ("stable", 0.6), "Zero trust": ("emerging", 0.6),
    "Selenium": ("declining", 1.0), "Cypress": ("rising", 0.8), "Playwright": ("emerging", 0.8),
    "pytest": ("stable", 0.7), "Communication": ("stable", 1.5), "Mentoring": ("stable", 0.6),
}

_ROLES: dict[str, tuple[list[str], list[str]]] = {
    "Software Engineering": (["Backend Engineer", "Senior Software Engineer", "Platform Engineer",
                              "Full-Stack Developer"],
                             ["Python", "Java", "Go", "Rust", "TypeScript", "JavaScript", "C#", ".NET",
                              "C++", "C", "Ruby on Rails", "PHP", "Node.js", "Spring Boot", "Django",
                              "FastAPI", "PostgreSQL", "MySQL", "MongoDB", "Redis", "Docker",
                              "Kubernetes", "AWS", "Apache Kafka", "React", "pytest", "Communication",
                              "Mentoring"]),
    "Frontend & Mobile": (["Frontend Engineer", "Senior Frontend Developer", "iOS Engineer",
                           "Mobile Developer"],
                          ["JavaScript", "TypeScript", "React", "AngularJS", "Angular", "jQuery",
                           "Vue.js", "Next.js", "Tailwind CSS", "CSS", "HTML", "React Native",
                           "Swift", "Objective-C", "Kotlin", "Flutter", "Figma", "Cypress",
                           "Playwright", "Selenium", "Communication"]),
    "Data & AI": (["Data Engineer", "Data Scientist", "Machine Learning Engineer", "Analytics Engineer"],
                  ["Python", "SQL", "Apache Spark", "Apache Kafka", "Apache Airflow", "dbt", "Snowflake",
                   "Apache Hadoop", "Pandas", "scikit-learn", "PyTorch", "TensorFlow", "R",
                   "Machine learning", "Large language models", "Retrieval-augmented generation",
                   "Prompt engineering", "Statistics", "Tableau", "AWS", "GCP", "Docker",
                   "PostgreSQL", "A/B testing"]),
    "Infrastructure": (["DevOps Engineer", "Site Reliability Engineer", "Cloud Engineer",
                        "Security Engineer"],
                       ["Kubernetes", "Docker", "Terraform", "Terraform modules", "Ansible", "Puppet",
                        "Jenkins", "GitHub Actions", "AWS", "Azure", "GCP", "Prometheus", "Linux",
                        "Bash", "Python", "Go", "Penetration testing", "SIEM", "Zero trust", "GDPR"]),
    "Business & Product": (["Product Manager", "Financial Analyst", "Business Analyst",
                            "UX Designer", "Privacy Analyst"],
                           ["Microsoft Excel", "VBA", "Financial modeling", "SAP", "Salesforce", "SQL",
                            "Power BI", "Tableau", "Jira", "Scrum", "Agile", "Product roadmapping",
                            "A/B testing", "Stakeholder management", "Figma", "Sketch", "User research",
                            "GDPR", "GDPR impact assessment", "Communication"]),
}
_REGIONS = ("Europe", "North America", "Asia-Pacific")
_COMPANIES = ("Northwind Analytics", "Bluefjord Systems", "Cobalt Harbor", "Lumen & Pike",
              "Quarry Labs", "Tidewater Health", "Saltmarsh Logistics", "Helix Retail Group",
              "Orchard Finance", "Kestrel Mobility", "Amberline Energy", "Foxglove Media")

_INTRO = (
    "We are looking for a {title} to join our {team} team in {region}.",
    "As a {title} you will own important parts of our {team} roadmap and work closely with product.",
    "{company} is hiring a {title}. You will help us scale the {team} platform that thousands of "
    "customers rely on every day.",
)
_DUTY = (
    "Design, build and operate services using {a} and {b}.",
    "Improve reliability and performance of systems built on {a}.",
    "Work with {a} and {b} to deliver features end to end.",
    "Review code, write tests and mentor colleagues on {a}.",
    "Own data flows from ingestion to reporting with {a}.",
    "Partner with stakeholders to plan work and ship improvements in {a} and {b}.",
)
_REQ = (
    "{n}+ years of professional experience with {a}.",
    "Solid knowledge of {a} and {b}.",
    "Hands-on experience with {a}, {b} and {c}.",
    "Experience in {a} in a production environment.",
    "Comfortable working with {a}.",
)
_NICE = ("Exposure to {a}.", "Familiarity with {a} or {b} is a plus.", "Any experience with {a}.")
_BENEFITS = (
    "Flexible hours and the option to go fully remote.",
    "A spring and winter offsite with the whole team.",
    "Learning budget: courses on Python, Excel or anything that helps you grow.",
    "Swift onboarding with a buddy and an excellent equipment budget.",
    "Private health insurance, pension plan and 30 days of paid leave.",
    "Free lunch on Fridays and a rust-proof bike storage.",
    "Go home early on Fridays in summer.",
)
_ABOUT = (
    "{company} builds software that helps teams plan, measure and improve their work. We excel at "
    "customer service and have offices in three countries.",
    "Founded in 2012, {company} serves more than 2,000 customers. Our culture values ownership, "
    "clear writing and going the extra mile.",
)
_EEO = ("{company} is an equal opportunity employer. We do not discriminate on the basis of race, "
        "religion, color, national origin, gender, sexual orientation, age, marital status, "
        "veteran status, or disability status. Reasonable accommodation is available on request.")


def _weights(names: list[str], month: int, months: int, launch: dict[str, int]) -> np.ndarray:
    t = month / max(1, months - 1)
    out = np.empty(len(names))
    for i, name in enumerate(names):
        life, base = _LIFE[name]
        if life == "rising":
            w = base * np.exp(1.2 * t)
        elif life == "declining":
            w = base * np.exp(-1.0 * t)
        elif life == "obsolescent":
            w = base * (1.0 / (1.0 + np.exp(12 * (t - 0.45))) + 0.03)
        elif life == "emerging":
            w = base * (0.0 if month < launch[name] else 0.2 + 2.5 * (month - launch[name]) / max(1, months))
        else:
            w = base
        out[i] = w * (1.0 + 0.1 * np.sin(2 * np.pi * month / 12))
    return out


def _month_start(start: dt.date, k: int) -> dt.date:
    y, m = divmod(start.month - 1 + k, 12)
    return dt.date(start.year + y, m + 1, 1)


def generate_postings(n: int, seed: int, start: dt.date, months: int) -> pl.DataFrame:
    """``n`` synthetic postings over ``months`` months from ``start`` (deterministic for ``seed``).

    Columns ``id, posted_at, title, description, region, occupation, company``.
    """
    if n < 0 or months < 1:
        raise ValueError("n must be >= 0 and months >= 1")
    rng = np.random.default_rng(seed)
    emerging = sorted(k for k, (life, _) in _LIFE.items() if life == "emerging")
    launch = {k: int(rng.integers(int(months * 0.25), int(months * 0.7) + 1)) for k in emerging}
    # Hiring grows over time with a slump in the middle third.
    month_w = np.array([(1 + 0.8 * k / months) * (0.6 if months / 3 < k < months / 2 else 1.0)
                        for k in range(months)])
    month_idx = np.sort(rng.choice(months, size=n, p=month_w / month_w.sum()))
    roles = list(_ROLES)
    cache: dict[tuple[str, int], np.ndarray] = {}
    rows: dict[str, list[str]] = {c: [] for c in ("id", "posted_at", "title", "description", "region",
                                                   "occupation", "company")}
    previous: list[tuple[str, str]] = []
    for i in range(n):
        month = int(month_idx[i])
        role = roles[int(rng.integers(len(roles)))]
        titles, pool = _ROLES[role]
        key = (role, month)
        if key not in cache:
            w = _weights(pool, month, months, launch)
            cache[key] = w / w.sum()
        p = cache[key]
        k = min(int(rng.integers(4, 9)), int((p > 0).sum()))
        chosen = [pool[j] for j in rng.choice(len(pool), size=k, replace=False, p=p)]
        day = int(rng.integers(1, 29))
        first = _month_start(start, month)
        posted = first.replace(day=day).isoformat()
        region = _REGIONS[int(rng.integers(len(_REGIONS)))]
        company = _COMPANIES[int(rng.integers(len(_COMPANIES)))]
        if previous and rng.random() < 0.02:   # a repost: same text, new id
            title, text = previous[int(rng.integers(len(previous)))]
        else:
            title = titles[int(rng.integers(len(titles)))]
            text = _describe(rng, title, role, region, company, chosen)
            previous.append((title, text))
            if len(previous) > 200:
                previous.pop(0)
        rows["id"].append(f"P{seed:04d}-{i:07d}")
        rows["posted_at"].append(posted)
        rows["title"].append(title)
        rows["description"].append(text)
        rows["region"].append(region)
        rows["occupation"].append(role)
        rows["company"].append(company)
    return pl.DataFrame(rows, schema={c: pl.String for c in rows})


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _describe(rng: np.random.Generator, title: str, role: str, region: str, company: str,
              skills: list[str]) -> str:
    fmt = {"title": title, "team": role.lower(), "region": region, "company": company}
    s = [*skills, *skills]
    duties = [_pick(rng, _DUTY).format(a=s[j], b=s[j + 1]) for j in range(min(3, len(skills)))]
    reqs = [_pick(rng, _REQ).format(n=int(rng.integers(2, 8)), a=s[j], b=s[j + 1], c=s[j + 2])
            for j in range(len(skills) - 1)]
    nice = _pick(rng, _NICE).format(a=skills[-1], b=skills[0])
    benefits = [_pick(rng, _BENEFITS) for _ in range(3)]
    about = _pick(rng, _ABOUT).format(company=company)
    html = rng.random() < 0.3
    if html:
        li = "".join
        return (f"<p>{_pick(rng, _INTRO).format(**fmt)}</p><h3>What you'll do</h3><ul>"
                + li(f"<li>{d}</li>" for d in duties) + "</ul><h3>Requirements</h3><ul>"
                + li(f"<li>{r}</li>" for r in reqs) + f"</ul><p><strong>Nice to have:</strong> {nice}</p>"
                + "<h3>Benefits</h3><ul>" + li(f"<li>{b}</li>" for b in benefits) + "</ul>"
                + f"<h3>About us</h3><p>{about}</p><p>{_EEO.format(company=company)}</p>")
    lines = [_pick(rng, _INTRO).format(**fmt), "", "Responsibilities:", *(f"- {d}" for d in duties), "",
             "Requirements:", *(f"- {r}" for r in reqs), "", f"Nice to have: {nice}", "",
             "What we offer:", *(f"- {b}" for b in benefits), "", "About us", about, "",
             _EEO.format(company=company)]
    return "\n".join(lines)
