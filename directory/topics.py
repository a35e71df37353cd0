"""The seeded list of topics. A data migration creates them; tests and demo data use the slugs."""

TOPICS: tuple[tuple[str, str], ...] = (
    ("anxiety", "Anxiety"),
    ("depression", "Depression"),
    ("bipolar", "Bipolar"),
    ("ptsd-trauma", "PTSD and trauma"),
    ("eating-disorders", "Eating disorders"),
    ("ocd", "OCD"),
    ("adhd", "ADHD"),
    ("autism-neurodivergence", "Autism and neurodivergence"),
    ("psychosis", "Psychosis"),
    ("addiction-recovery", "Addiction and recovery"),
    ("grief", "Grief"),
    ("self-harm-recovery", "Self-harm recovery"),
    ("suicide-prevention", "Suicide prevention"),
    ("perinatal", "Perinatal mental health"),
    ("lgbtq", "LGBTQ+ mental health"),
    ("mens-mental-health", "Men's mental health"),
    ("bipoc-mental-health", "BIPOC mental health"),
    ("chronic-illness", "Chronic illness"),
    ("caregiving", "Caregiving"),
    ("general-wellbeing", "General wellbeing"),
)
