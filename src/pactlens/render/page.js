
(function(){
  function sel(keys, tag){
    return keys.split(/\s+/).filter(Boolean).map(function(k){
      return tag + '[' + (tag === 'mark' ? 'data-ids' : 'data-targets') + '~="' + k + '"]';
    }).join(',');
  }
  function all(q){ return q ? Array.prototype.slice.call(document.querySelectorAll(q)) : []; }
  function flash(els){
    els.forEach(function(el){
      el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash');
    });
    setTimeout(function(){ els.forEach(function(el){ el.classList.remove('flash'); }); }, 1700);
  }
  function showMarks(card, source){
    var marks = all(sel((source || card).getAttribute('data-targets') || '', 'mark'));
    all('.card.active').forEach(function(c){ c.classList.remove('active'); });
    card.classList.add('active');
    if (!marks.length) return false;
    marks[0].scrollIntoView({block: 'center', inline: 'nearest'});
    flash(marks);
    return true;
  }
  document.addEventListener('click', function(ev){
    var mark = ev.target.closest('mark[data-ids]');
    if (mark){
      var cards = all(sel(mark.getAttribute('data-ids'), '.card'));
      if (cards.length){ cards[0].scrollIntoView({block: 'nearest'}); flash(cards); }
      return;
    }
    var link = ev.target.closest('a.jump');
    var card = ev.target.closest('.card');
    if (!card) return;
    if (showMarks(card, link) && link) ev.preventDefault();
  });
  document.addEventListener('keydown', function(ev){
    var card = ev.target.closest && ev.target.closest('.card');
    if (card && (ev.key === 'Enter' || ev.key === ' ')){ ev.preventDefault(); showMarks(card); }
  });
})();
