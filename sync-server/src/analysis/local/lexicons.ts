import type { ObjectionCategory, Outcome } from '../../../../shared/analysis';

/**
 * Domain lexicons of the offline analyser: phrases UK homeowners and tradespeople use on the phone about
 * quotes, visits and call-backs. Text is lower-cased with curly apostrophes straightened before matching.
 * A change here changes the analyser's version (a hash of this file's content is part of it), so the
 * agreement report tells old and new results apart.
 */
export interface Cue {
  re: RegExp;
  label: string;
  weight: number;
}

const DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|weekend)';

/** Outcome cues by who says them. Later in the call weighs more (see analyser.ts). */
export const OUTCOME_CUES: Record<Outcome['value'], { assessor: Cue[]; customer: Cue[] }> = {
  booked: {
    assessor: [
      {
        re: /\b(you'?re|you are|that'?s|you'?ve been|all|now|it'?s) (all )?(now )?booked\b/,
        label: 'confirms the booking',
        weight: 3,
      },
      {
        re: /\b(i'?ve|i have|we'?ve) (booked|put|scheduled|pencilled) (you|your|it)\b/,
        label: 'confirms the booking',
        weight: 3,
      },
      {
        re: /\bconsider it (done|booked)\b|\b(that'?s|it'?s|you'?re) (all )?(confirmed|in the diary)\b/,
        label: 'confirms the booking',
        weight: 2.5,
      },
      { re: /\bi'?ll (arrive|be (there|with you|round))\b/, label: 'arranges the visit', weight: 2 },
      { re: /\b(i'?ll|let me|shall i) (book|put) you (in|down)\b/, label: 'books the visit', weight: 2.5 },
      { re: /\bbooked (you )?(in )?for\b/, label: 'confirms the booking', weight: 3 },
      { re: /\bput you down for\b/, label: 'books the visit', weight: 2.5 },
      {
        re: new RegExp(`\\bsee you (on |at |this |next )?(${DAY}|then|shortly|soon|at \\w+)`),
        label: 'arranges the visit',
        weight: 2,
      },
      { re: /\b(i'?m|i am) on my way\b/, label: 'on the way', weight: 2.5 },
      { re: /\bconfirmation\b/, label: 'sends a confirmation', weight: 1.5 },
      { re: /\b(done|booked),? you'?re booked\b/, label: 'confirms the booking', weight: 3 },
      { re: /\bbe (there|with you) (by|within|at|in)\b/, label: 'arrives at a set time', weight: 2 },
    ],
    customer: [
      {
        re: /\b(book (me|it|us) in|book it|let'?s (do it|go ahead|do the survey|go for it|book)|go ahead|go on then|yes please,? (book|that|\w+day)|i'?m happy with that|sign me up|count me in)\b/,
        label: 'asks to book',
        weight: 2.5,
      },
      {
        re: /\bplease just come\b|\bcan (you|someone) come (today|tonight|now)\b/,
        label: 'asks for a visit now',
        weight: 1.5,
      },
      { re: /\bsee you (on |at )?(\w+day|tomorrow|then|at \w+|shortly)\b/, label: 'expects the visit', weight: 2 },
    ],
  },
  callback: {
    assessor: [
      {
        re: /\b(i'?ll|i will|shall i|can i|i could|we'?ll|let me) (give you a |)(call|ring|phone|bell|try)( you)?( back)? (on|in|next|tomorrow|tonight|this|after|around|then|once|when|at)\b/,
        label: 'arranges a call back',
        weight: 2.5,
      },
      {
        re: /\b(i'?ll|i will|shall i) (give you a )?(call|ring) you( back)?\b/,
        label: 'arranges a call back',
        weight: 2,
      },
      {
        re: new RegExp(
          `\\b(i'?ll|i will|shall i|can i|let me|we'?ll)\\b[^.?!]{0,30}\\b(call|ring|phone|bell|follow up|catch up|speak)\\b[^.?!]{0,30}\\b(${DAY}|morning|evening|afternoon|next week|later|in a (few|couple of) days)\\b`,
        ),
        label: 'arranges a call back',
        weight: 2,
      },
      {
        re: new RegExp(`\\bspeak (to you )?(${DAY}|then|next|on \\w+)\\b`),
        label: 'arranges to speak again',
        weight: 2,
      },
      { re: /\b(made|make) a note (for|to)\b|\bnoted to (ring|call)\b/, label: 'notes a follow-up', weight: 1.5 },
      { re: /\bif i haven'?t heard from you\b/, label: 'plans a follow-up', weight: 1.5 },
    ],
    customer: [
      { re: /\b(get|come) back to you\b|\blet you know\b/, label: 'will get back', weight: 2 },
      {
        re: /\b(call|ring|phone) me (back |then|in|next|after|later|tomorrow)/,
        label: 'asks for a call back',
        weight: 2.5,
      },
      { re: /\b(have|need) (a|to) think\b|\bthink about it\b/, label: 'wants to think', weight: 2 },
      {
        re: /\b(run it past|talk (to|with) my|speak (to|with) my|check with (my|him|her|the))\b/,
        label: 'must consult someone',
        weight: 1.5,
      },
      { re: /\b(let me|i'?ll|we'?ll) (wait|check|look|have a look)\b/, label: 'will check first', weight: 1 },
      { re: /\b(send|email) me\b/, label: 'asks for information', weight: 1 },
      {
        re: /\b(\w+day|tomorrow|tonight|march|next week)('?s| is) fine\b|\bthat would be perfect\b/,
        label: 'accepts a time to talk',
        weight: 0.5,
      },
    ],
  },
  lost: {
    assessor: [
      {
        re: /\b(take you off|remove you from|update our records|sorry to bother you|good luck with|leave the quote open|if (anything|you ever) change|in case you change your mind)\b/,
        label: 'closes the lead',
        weight: 2.5,
      },
      { re: /\bsuit yourself\b|\bokay fine\b|\bwhatever\b/, label: 'gives up', weight: 1.5 },
      {
        re: /\bthanks for letting me know\b|\ball the best\b|\bgood luck\b|\byour loss\b/,
        label: 'accepts the loss',
        weight: 1.5,
      },
      {
        re: /\bif (it|anything) (starts|happens|goes wrong) again\b|\bif you (ever )?need (us|anything)\b/,
        label: 'leaves the door open',
        weight: 1,
      },
      {
        re: /\bapologies for (disturbing|bothering)\b|\bsorry (to|for) (disturb|bother)/,
        label: 'wrong person',
        weight: 2,
      },
    ],
    customer: [
      { re: /\bnot interested\b|\bno,? thank you\b|\bno thanks\b/, label: 'declines', weight: 3 },
      {
        re: /\b(gone|go|going|went|decided to go) with (another|someone|a different|the other|them)\b/,
        label: 'chose someone else',
        weight: 3,
      },
      { re: /\balready (gone|signed|booked|found|sorted|got|paid)\b/, label: 'already sorted', weight: 3 },
      {
        re: /\b(i'?ll|we'?ll|i will|we will) leave it\b|\bforget it\b|\bfind someone else\b/,
        label: 'walks away',
        weight: 3,
      },
      {
        re: /\b(remove|delete) my (number|details)\b|\btake me off\b|\bdon'?t call (me )?again\b/,
        label: 'asks not to be called',
        weight: 3,
      },
      { re: /\bwrong number\b|\bno (mr|mrs|ms|one) \w+ here\b/, label: 'wrong number', weight: 3 },
      {
        re: /\b(sorted it|all fine now|we'?re (all )?fine|quite happy as i am|not something we can)\b/,
        label: 'no longer needed',
        weight: 2.5,
      },
      {
        re: /\bi'?ll pass\b|\bnot for (me|us)\b|\bno point\b|\bno,? it'?s (alright|fine|okay)\b/,
        label: 'declines',
        weight: 2.5,
      },
      { re: /\bthanks anyway\b|\b(okay|right|ok),? (goodbye|bye)\b/, label: 'ends without agreeing', weight: 2 },
      {
        re: /\b(been|all|already) (dealt with|taken care of|sorted out)\b|\bmoved (out|away)\b|\bno idea (who|where|what)\b/,
        label: 'no longer needed',
        weight: 2.5,
      },
      {
        re: /\b(found|booked|chosen|picked|hired) (a |another |someone|somebody|them|a different)/,
        label: 'chose someone else',
        weight: 2.5,
      },
      {
        re: /\b(fixed|sorted|done|changed|repaired) (it|the \w+) (myself|ourselves)\b|\bit'?s (stopped|working (again|now|fine))\b/,
        label: 'fixed it themselves',
        weight: 2.5,
      },
    ],
  },
};

/** A time the customer accepts; what it is for (a visit or a call) is read from the assessor's proposal before it. */
export const SLOT_ACCEPT =
  /\b(go for it|yeah,? go|okay,? \w+day|works|suits|is (good|great|fine|perfect|ideal|lovely|spot on)|'?s (good|great|fine|perfect|lovely)|would be (fine|great|perfect|ideal|good|amazing|brilliant|lovely)|please|sounds good|that'?s fine|fine with me|spot on)\b/;
export const SLOT_WORDS = new RegExp(
  `\\b(${DAY}|morning|afternoon|evening|\\d{1,2}(:\\d{2})?\\s?(am|pm)|o'?clock|half (past )?\\w+|at (one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)|the \\w+(st|nd|rd|th))\\b`,
);
export const VISIT_PROPOSAL =
  /\b(come|visit|install|fit|survey|be there|start|arriv|free|slot|gap|available|book|can do|could do|i have|i'?ve got|pop (round|over|by)|get you in|put you in)\b/;
/** Words of an appointment being made; with a day or time in the same breath they confirm a booking. */
export const BOOKING_WORDS =
  /\b(booked|book you|appointment|put you (in|down)|pencil(led)? you|that'?s you|sorted|confirmed)\b/;
export const PRICE_WORDS = /£|\b(pounds?|quid|hundred|thousand|grand|price|cost|charge|fee|quote[ds]?)\b/;
/** A customer's concern about an amount, without any of the objection phrases. */
export const PRICE_CONCERN =
  /\b(a lot|lots|seemed|seems|more than|last (one|bloke|guy|quote|time)|already had|careful|pension|budget|afford|expensive|pricey|steep|dear|cheaper|less|how much are)\b/;
export const CALL_PROPOSAL = /\b(call|ring|phone|speak|talk)\b/;

/** Objections, said by the customer. One utterance may raise several. */
export const OBJECTION_CUES: Record<ObjectionCategory, RegExp[]> = {
  price: [
    /\btoo (expensive|much|dear|pricey|steep)\b/,
    // "very much" is thanks, not a price worry: `very` takes only the price words.
    /\b(bit|quite|rather|really|little) (steep|pricey|expensive|dear|much)\b|\bvery (steep|pricey|expensive|dear)\b/,
    /\bthat'?s (a lot|steep|expensive|a bit much|quite a lot)\b|\bseems (a lot|expensive|steep|quite a lot)\b/,
    /\b(can'?t|cannot|couldn'?t) afford\b/,
    /\b(out of|over|more than) (my|our) budget\b|\bmore than (i|we) (had )?budget/,
    /\b(way |much |a lot )?more than (i|we) (was |were )?(expecting|expected|thought|wanted)\b/,
    /\bhaven'?t got that (lying around|kind of money|sort of money)\b/,
    /\b(any|a) (deal|discount)\b|\banything cheaper\b|\bnothing cheaper\b/,
    /\b(charged|quoted) (me|us) (\w+ )*(quid|pounds|sixty|fifty|forty|less)\b|\blast (chap|guy|bloke|one|company) charged\b/,
    /\bonline for\b|\bcheaper elsewhere\b|\bripped off\b/,
    /\b(fee|price|cost|that) is (just )?too\b/,
    /\b(ouch|blimey|crikey)\b|\bhoping (for|it would be) (nearer|around|less|under|cheaper|closer)\b/,
    /\bmoney'?s (tight|short)\b|\bstretch to\b|\b(tight|small|limited) budget\b|\bon a budget\b|\bpricier\b/,
    /\b(do it|does it|do that) for (\w+ ){0,3}(pounds|quid)\b|\bfor (\w+ ){0,3}(pounds|quid) (less|cheaper)\b/,
  ],
  timing: [
    /\bnot (a |the )?(good|right|great) time\b/,
    /\bnot ready( yet)?\b/,
    /\b(i'?m|i am) at work\b|\btoo busy\b|\b(bit|very|really|quite) busy\b/,
    /\b(we'?re|i'?m) away\b|\bon holiday\b|\bflying to\b/,
    /\bcan'?t (really )?take (time|the day) off\b|\bnever home\b|\blong shifts\b/,
    /\b(in|after|until) the (spring|summer|autumn|new year)\b|\bnext (month|year)\b/,
    /\b(rather|going to|want to|have to|need to) wait\b/,
    /\b(don'?t|do not) know when\b|\bnot sure when\b/,
    /\btoo late\b|\b(call|ring) (me )?back later\b/,
    /\b(need|want) (some |a bit of |more )?time\b|\brushed\b|\btoo soon\b|\bnot (right )?now\b|\bhaven'?t (even )?(had|got|decided)\b/,
  ],
  trust: [
    /\bscam\b|\bdodgy\b|\bcowboys?\b|\blegit\b/,
    /\bhow do i know\b|\bhow did you get my number\b/,
    /\b(don'?t|do not|can'?t) trust\b|\bwary\b|\bsuspicious\b/,
    /\b(are|is) (you|your (lot|company|firm)|you lot) (properly )?(accredited|registered|certified|qualified|insured)\b/,
    /\bstrangers\b|\bleft (a|a right) mess\b|\bnever came back\b|\bripped off\b/,
    /\bhorror stories\b|\bgo(ing|ne)? bust\b|\bheard (bad|some|a lot|terrible)\b|\bbad (reviews|experience)\b|\bburnt before\b/,
    /\b(never|didn'?t) turn(ed)? up\b|\blet (me|us) down\b|\btook (a|the|my|our) deposit\b|\b(bit|very|quite) careful\b|\bonce bitten\b/,
  ],
  need: [
    /\b(don'?t|do not) (really )?(think (i|we) )?need\b/,
    /\bnot sure (i|we) (really )?need\b|\bno need\b/,
    /\b(sorted it|all fine now|already (fixed|sorted|done))\b/,
    /\bquite happy as (i|we) (am|are)\b|\bworking fine\b/,
    /\bwas my (son|daughter|wife|husband)\b|\bjust (looking|browsing)\b/,
    /\bno point\b|\b(fixed|sorted|done|changed|repaired) (it|the \w+) (myself|ourselves)\b|\bit'?s (stopped|working (again|now|fine))\b/,
    /\bmoving (out|house|away)\b|\b(i'?m|we'?re) renting\b/,
  ],
  competitor: [
    /\b(someone|somebody) else\b|\banother (company|firm|installer|plumber|electrician|engineer|one)\b/,
    /\b(the )?other (company|firm|quotes?|one|lot|installer)\b/,
    /\bquoted (me|us)\b|\bcouple of (other )?quotes\b|\bother quotes\b/,
    /\b(they|he|she) (were|was|are|is) (about |around )?(\w+ )*(cheaper|less)\b/,
    /\b(british gas|octopus|homeserve|checkatrade said)\b/,
    /\bfound (a|another) (company|firm|bloke|guy|installer|someone)\b|\bfound someone\b|\bbooked them\b|\b(cheaper|another|better) quote\b/,
    /\b(one more|another|other|second|third) (company|companies|firm|firms|engineer|plumber|electrician|installer|bloke)\b|\b(had|got) (one|a|another|two|three) quotes?\b|\bquote already\b/,
  ],
  other: [
    /\b(run it past|speak (to|with) my|talk (to|with) my|check with (my|the|him|her)|ask my)\b/,
    /\b(my|the) (husband|wife|partner|landlord|boss)\b|\bnot my decision\b/,
    /\b(decide|decision) without\b|\bjoint decision\b|\bboth (of us|decide)\b/,
  ],
};

/**
 * The general shape of an objection the phrase lists have not seen: a customer sentence that voices a concern
 * (a hedge, a negative, a worry) about one of the topics. Weaker than a listed phrase, so it needs both.
 */
export const CONCERN =
  /\b(but|honestly|to be honest|not sure|worried|worry|concern\w*|problem is|the thing is|trouble is|afraid|careful|a shame|hmm|rather not|can'?t|cannot|won'?t|don'?t (want|like|think|know)|no good|not (the best|great|ideal|ready|cheap)|difficult|tricky|awkward|too (long|much|late|soon|far)|over the top|a lot)\b/;
export const TOPICS: Record<ObjectionCategory, RegExp> = {
  price:
    /£|\b(pounds?|quid|price\w*|cost\w*|expensive|afford\w*|budget|pay(ing|back)?|financ\w*|money|cheap\w*|fee|charge\w*|grand|hundred|thousand|pension)\b/,
  timing:
    /\b(time|moment|week|weeks|month|months|soon|busy|away|date|schedule|diary|yet|wait|later|earliest|before|holiday|start|monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|winter|autumn)\b/,
  trust:
    /\b(trust\w*|accredited|registered|certified|insured|fake|scam|genuine|reviews?|reputation|turned up|cowboys?|legit|proper(ly)?|deposit)\b/,
  // "need to …" is a modal in most sentences, so only the words that question the job itself count.
  need: /\b(necessary|no point|worth it|don'?t need|no need|fixed)\b/,
  competitor:
    /\b(another|other|second) (firm|company|quote|installer|engineer|plumber|electrician)\b|\bsomeone else\b|\bthey quoted\b/,
  other: /\b(husband|wife|partner|landlord|insurer|insurance|boss|family|tenant|letting agent)\b/,
};

/** The assessor answering an objection: category-specific moves. */
export const HANDLING_CUES: Record<ObjectionCategory, RegExp> = {
  price:
    /\b(includ(es|ing|ed)|no (extra|hidden|call-?out)|call-?out (charge|fee)|finance|spread the cost|payment plan|a month|per month|fixed price|option|smaller|less|discount|sav(e|ing)|worth|warranty|guarantee|value|the difference is|free (home )?(survey|quote)|no obligation|no monthly fee|no surprises|whatever it takes)\b/,
  timing:
    /\b(saturday|sunday|weekend|evening|early|when you'?re back|no rush|makes (complete )?sense|no problem|flexib\w*|neighbour|let us in|mild day|diary|in march|(call|ring|give) you (a call |a ring )?(back )?(in|on|when|once))\b/,
  trust:
    /\b(gas safe|niceic|nsi|trustmark|checkatrade|trustpilot|reviews|registered|accredited|approved|insured|warranty|guarantee|certificate|never have access|stay(s)? on|you control|fair question|call me directly|fixed price)\b/,
  need: /\b(guidance|recommend|due|picks up|common|some people|instead|cheaper|worth|about due)\b/,
  competitor: /\b(compare|their quote|go through it|leave out|includ(es|ed)|useful feedback|match|look at their)\b/,
  other: /\b(email(ed)?|send (it|the quote|you)|both|landlord directly|call you back|ring you|big decision)\b/,
};

/** Assessor phrases that move a customer towards booking, by label. */
export const TRIGGER_CUES: Cue[] = [
  {
    re: /\bfree (home |no obligation )?(survey|quote|assessment)\b|\bno obligation\b/,
    label: 'free survey',
    weight: 1,
  },
  {
    re: /\bno (extra )?call-?out (charge|fee)\b|\bno hidden\b|\bno surprises\b|\bfixed price\b/,
    label: 'no hidden costs',
    weight: 1,
  },
  { re: /\bfinance\b|\bspread the cost\b|\ba month\b/, label: 'finance', weight: 1 },
  { re: /\bwarranty\b|\bguarantee\b/, label: 'guarantee', weight: 1 },
  {
    re: /\bgas safe\b|\bniceic\b|\bnsi\b|\btrustmark\b|\baccredited\b|\breviews\b|\binsured\b/,
    label: 'credentials',
    weight: 1,
  },
  { re: /\bsame day\b|\bwithin the hour\b|\bthis afternoon\b|\bon my way\b|\btoday\b/, label: 'speed', weight: 1 },
  {
    re: /\bsaturday\b|\bsunday\b|\bweekend\b|\bearly\b|\bevening\b|\bi (have|can do|could do|'ve got) \w+/,
    label: 'availability',
    weight: 1,
  },
  { re: /\bincludes?\b|\bincluding\b/, label: 'what is included', weight: 1 },
];

export const EMPATHY =
  /\b(i (completely |totally |fully )?understand|understandable|sorry to hear|i'?m (so )?sorry|that must be|that'?s (really |completely |a )?(frustrating|fair( enough)?|a fair question|a good point|common|not on)|of course|no problem|no worries|take your time|makes (complete )?sense|congratulations|lucky you|i appreciate|nobody likes|big decision|don'?t want to keep you|no harm done|glad to help|well done|good news|fair enough|(totally|completely) understandable|i hear you|fair concern|joint decision|sadly|apologies|really sorry|good thinking|sensible|no bother)\b/;
export const GREETING =
  /\b(hi|hiya|hey|hello|good (morning|afternoon|evening)|morning|afternoon|thanks for (calling|getting in touch))\b/;
export const INTRODUCTION =
  /\b(it'?s|this is|my name'?s|my name is|you'?re (through|speaking) to|you'?re speaking with|calling from|i'?m \w+ from|\w+ here from|\w+ speaking from|speaking,? it'?s)\b|\bfrom [a-z&' ]{2,40}\b(heating|gas|plumb\w*|electric\w*|solar|security|alarms?|assessments?|homes?|roofs?|energy|drains?|boilers?|cctv)\b/;
export const NEXT_STEP = new RegExp(
  `\\b(i'?ll (send|text|email|call|ring|give you a (call|ring)|be there|put you|book|make a note|note|leave the quote)|you'?ll (get|receive|have)|booked (in|for)|i'?ve (booked|noted|made a note)|see you (on |at |this |next )?(${DAY}|then|shortly|soon|at)|speak (to you )?(${DAY}|then|on)|on my way|i'?ll take you off|i'?ll (arrive|message|call you both)|give us a (call|ring|shout|bell)|get in touch|you'?ve got (our|my) number|i'?ll (remove|pop|check in|hold|get the office))\\b`,
);
export const FILLERS = /\b(um+|uh+|erm+|er|you know|sort of|kind of|like,)\b/g;
export const VAGUE = /\b(dunno|depends|sometime|give or take|or so|probably|loads of factors|all that)\b/g;
export const JARGON = /\b(dno|g99|g98|mcs|pv|kwp|inverter|rcbo|eicr|sap rating|kettling)\b/g;
/** A jargon word counts as explained when the same utterance says what it means. */
export const EXPLAINS =
  /\b(that sounds like|which means|that'?s (a|the|when)|i\.e\.|in other words|a build up|the network people)\b/;
export const RUDE: Cue[] = [
  { re: /\bnot my problem\b/, label: 'dismissive', weight: 1 },
  { re: /\bwhatever\b/, label: 'dismissive', weight: 1 },
  { re: /\bsuit yourself\b/, label: 'dismissive', weight: 1 },
  { re: /\bhaven'?t got all day\b|\bdo you want it or not\b/, label: 'pressuring the customer', weight: 1 },
  { re: /\byou get what you pay for\b/, label: 'condescending', weight: 1 },
  { re: /\bmate\b/, label: 'over-familiar', weight: 1 },
  { re: /\bcongratulations,? you'?ve qualified\b|\bgovernment funded\b/, label: 'misleading claim', weight: 1 },
  { re: /^(yeah\??|what do you want( done)?\??|yep\.?)$/, label: 'no proper answer', weight: 1 },
];

/** Positive and negative words the general sentiment model underrates in UK trade calls. */
export const CUSTOMER_POSITIVE =
  /\b(brilliant|lovely|perfect|great|reassuring|fair enough|that'?s fair|sounds good|helpful|ideal|cheers|thank you so much)\b/;
export const CUSTOMER_NEGATIVE =
  /\b(ripped off|scam|frustrat\w*|wary|too expensive|way more|can'?t afford|not interested|forget it|remove my number|rude)\b/;
