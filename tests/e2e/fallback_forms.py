"""A small but complete forms folder, used only while the real forms in
forms/ are missing (they are written alongside the tests). It has the same
ids as the real forms, so every test runs on either."""
import os

GUIDE = r'''
version = 1;
welcome = {
  title = { nl = "Welkom"; en = "Welcome"; };
  text = { nl = "Zorgt u voor iemand? Hier leest u welke hulp er is.";
           en = "Do you care for someone? Here you read what help there is."; };
};
menu = {
  title = { nl = "Waar wilt u meer over weten?"; en = "What would you like to know?"; };
  intro = { nl = "Kies een onderwerp."; en = "Choose a topic."; };
  items = ( "respite_light", "presence_care", "day_care", "short_stay",
            "parking_permit", "appreciation", "advice", "choose" );
};
pages = (
%(pages)s
);
flows = (
  {
    id = "choose";
    title = { nl = "Help mij kiezen"; en = "Help me choose"; };
    intro = { nl = "Een paar korte vragen."; en = "A few short questions."; };
    start = "need";
    fallback = "advice";
    questions = (
      {
        id = "need";
        ask = { nl = "Wat zou u nu het meest helpen?"; en = "What would help you most right now?"; };
        answers = (
          { label = { nl = "Even tijd voor mijzelf"; en = "Some time for myself"; };
            next = "parking"; suggest = ( "presence_care" );
            why = { nl = "U wilt tijd voor uzelf."; en = "You would like time for yourself."; }; },
          { label = { nl = "Weet ik niet"; en = "I don't know"; }; next = "parking"; }
        );
      },
      {
        id = "parking";
        ask = { nl = "Parkeert u vaak bij uw naaste?"; en = "Do you often park near your loved one?"; };
        answers = (
          { label = { nl = "Ja"; en = "Yes"; }; suggest = ( "parking_permit" );
            why = { nl = "U parkeert vaak."; en = "You park often."; }; },
          { label = { nl = "Nee"; en = "No"; }; }
        );
      }
    );
  }
);
'''

PAGE = r'''  {
    id = "%(id)s";
    title = { nl = "%(nl)s"; en = "%(en)s"; };
    summary = { nl = "Over %(nl)s."; en = "About %(en)s."; };
    sections = (
      { title = { nl = "Wat is het?"; en = "What is it?"; };
        text = { nl = "Uitleg over %(nl)s."; en = "About %(en)s."; }; },
      { title = { nl = "Zo regelt u het"; en = "How to arrange it"; };
        text = { nl = "- Stap een\n- Stap twee"; en = "- Step one\n- Step two"; }; }
    );
    request = true;
  }'''

PAGES = [
    ('respite_light', 'Activiteit voor uw naaste', 'An activity for your loved one'),
    ('presence_care', 'Iemand blijft bij uw naaste', 'Someone stays with your loved one'),
    ('day_care', 'Dagbesteding', 'Day care'),
    ('short_stay', 'Logeren', 'Short stay'),
    ('parking_permit', 'Parkeervergunning', 'Parking permit'),
    ('appreciation', 'Waardering', 'Appreciation'),
    ('advice', 'Advies', 'Advice'),
]

INTAKE = r'''
version = 1;
title = { nl = "Contact aanvragen"; en = "Request contact"; };
intro = { nl = "Vul dit formulier in."; en = "Fill in this form."; };
fields = (
  { id = "name"; type = "text"; label = { nl = "Uw naam"; en = "Your name"; }; required = true; max = 80; },
  { id = "phone"; type = "phone"; label = { nl = "Uw telefoonnummer"; en = "Your phone number"; }; },
  { id = "email"; type = "email"; label = { nl = "Uw e-mailadres"; en = "Your email address"; }; },
  { id = "moment"; type = "choice"; required = true;
    label = { nl = "Wanneer komt contact u het best uit?"; en = "When is the best time to contact you?"; };
    choices = (
      { id = "morning"; label = { nl = "'s Ochtends"; en = "In the morning"; }; },
      { id = "afternoon"; label = { nl = "'s Middags"; en = "In the afternoon"; }; },
      { id = "any"; label = { nl = "Maakt niet uit"; en = "Any time"; }; }
    ); },
  { id = "relation"; type = "choice"; required = true;
    label = { nl = "Voor wie zorgt u?"; en = "Who do you care for?"; };
    choices = (
      { id = "partner"; label = { nl = "Mijn partner"; en = "My partner"; }; },
      { id = "parent"; label = { nl = "Mijn vader of moeder"; en = "My father or mother"; }; },
      { id = "other"; label = { nl = "Iemand anders"; en = "Someone else"; }; }
    ); },
  { id = "under18"; type = "choice"; required = true;
    label = { nl = "Bent u jonger dan 18 jaar?"; en = "Are you younger than 18?"; };
    choices = (
      { id = "no"; label = { nl = "Nee"; en = "No"; }; },
      { id = "yes"; label = { nl = "Ja"; en = "Yes"; }; }
    ); },
  { id = "situation"; type = "textarea"; max = 1000;
    label = { nl = "Vertel kort over uw situatie"; en = "Tell us briefly about your situation"; }; },
  { id = "options"; type = "options";
    label = { nl = "Waar wilt u hulp bij?"; en = "What would you like help with?"; }; },
  { id = "contact_lang"; type = "choice"; required = true; default = "ui-language";
    label = { nl = "In welke taal wilt u contact?"; en = "In which language would you like to be contacted?"; };
    choices = (
      { id = "nl"; label = { nl = "Nederlands"; en = "Nederlands"; }; },
      { id = "en"; label = { nl = "English"; en = "English"; }; }
    ); },
  { id = "consent"; type = "consent";
    label = { nl = "Ik geef toestemming om deze gegevens te bewaren."; en = "I give permission to store these details."; }; }
);
one_of = ( ( "phone", "email" ) );
no_consent = { nl = "Er is niets bewaard."; en = "Nothing has been stored."; };
done = { nl = "Dank u wel."; en = "Thank you."; };
'''


def write(folder):
    os.makedirs(folder, exist_ok=True)
    pages = ',\n'.join(PAGE % {'id': i, 'nl': nl, 'en': en} for i, nl, en in PAGES)
    with open(os.path.join(folder, 'guide.conf'), 'w', encoding='utf-8') as f:
        f.write(GUIDE % {'pages': pages})
    with open(os.path.join(folder, 'intake.conf'), 'w', encoding='utf-8') as f:
        f.write(INTAKE)
    return folder
